/**
 * Where the app's own files are (assets/, dist/, the writer's sources). Found by walking up from
 * this module to the folder with the app's package.json, so the answer holds wherever the code
 * runs: the TypeScript sources through tsx, the dist/ bundles (whose depth differs from the
 * sources'), or a packaged app's asar.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'fedora-iot-flasher';
let cached: string | null = null;

function isAppRoot(dir: string): boolean {
  const manifest = path.join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

export function appRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isAppRoot(dir)) return (cached = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the ${PACKAGE_NAME} folder above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** A path inside the app's folder, e.g. appPath('assets', 'keys'). */
export function appPath(...parts: string[]): string {
  return path.join(appRoot(), ...parts);
}
