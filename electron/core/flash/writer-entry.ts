/**
 * Which file starts the unprivileged writer process (an elevated one is started by the installed
 * launcher, which ignores all of this). A packaged app names its bundled writer in
 * FIOT_WRITER_ENTRY. In a clone, `npm run build` leaves dist/writer/main.cjs: used while it is
 * newer than every source file, because it starts in a fraction of the time the TypeScript entry
 * takes through tsx (~0.13 s of CPU against ~0.55 s, measured here), and start-up counts in every
 * flash. Otherwise the TypeScript entry runs through tsx's loader.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freshBundle } from '../fresh-bundle.mjs';
import { appPath, appRoot } from '../app-paths';

function loaderUrl(): string {
  // Absolute, so the writer starts whatever the current directory is.
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

/** The built writer, when it exists and no source it may contain changed after it was built. */
export function freshBuiltWriter(root = appRoot()): string | null {
  return freshBundle(root, path.join('dist', 'writer', 'main.cjs'));
}

/** Node's arguments to start the writer: a bundled entry as is, TypeScript through tsx. */
export function writerEntryArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const entry = env.FIOT_WRITER_ENTRY ?? freshBuiltWriter();
  if (entry) return /\.(c|m)?js$/.test(entry) ? [entry] : ['--import', loaderUrl(), entry];
  return ['--import', loaderUrl(), appPath('electron', 'writer', 'main.ts')];
}
