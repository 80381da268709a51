/**
 * Where the flash pipeline finds the writer when it runs from the Electron bundle: the bundled
 * dist/writer/main.cjs (see scripts/build.mjs). Inside a packaged app that file is unpacked from
 * the asar archive, because the writer is started as its own process. This names the unprivileged
 * writer only: an elevated one is started by the installed launcher, which fixes its own entry.
 */
import path from 'node:path';

export function setupWriterEntry(env: NodeJS.ProcessEnv = process.env): void {
  if (env.FIOT_WRITER_ENTRY) return;
  const bundled = path.join(__dirname, '..', 'writer', 'main.cjs');
  env.FIOT_WRITER_ENTRY = bundled.replace(`${path.sep}app.asar${path.sep}`, `${path.sep}app.asar.unpacked${path.sep}`);
}
