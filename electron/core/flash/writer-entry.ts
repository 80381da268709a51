/**
 * Which file starts the writer process. A packaged app names its bundled writer in
 * FIOT_WRITER_ENTRY. In a clone, `npm run build` leaves dist/writer/main.cjs: used while it is
 * newer than every source file, because it starts in a fraction of the time the TypeScript entry
 * takes through tsx (~0.13 s of CPU against ~0.55 s, measured here), and start-up counts in every
 * flash. Otherwise the TypeScript entry runs through tsx's loader.
 */
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = () => fileURLToPath(new URL('../../../', import.meta.url));

function loaderUrl(): string {
  // Absolute, so the writer starts whatever the current directory is.
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

/** The newest modification time of the .ts files under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** The built writer, when it exists and no source it may contain changed after it was built. */
export function freshBuiltWriter(root = repoRoot()): string | null {
  const bundle = path.join(root, 'dist', 'writer', 'main.cjs');
  try {
    const built = statSync(bundle).mtimeMs;
    const sources = ['electron', 'shared'].map((dir) => newestSource(path.join(root, dir)));
    return Math.max(...sources) <= built ? bundle : null;
  } catch {
    return null;
  }
}

/** Node's arguments to start the writer: a bundled entry as is, TypeScript through tsx. */
export function writerEntryArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const entry = env.FIOT_WRITER_ENTRY ?? freshBuiltWriter();
  if (entry) return /\.(c|m)?js$/.test(entry) ? [entry] : ['--import', loaderUrl(), entry];
  return ['--import', loaderUrl(), fileURLToPath(new URL('../../writer/main.ts', import.meta.url))];
}
