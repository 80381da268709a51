// Whether a dist/ bundle may stand in for its sources: it must exist and be newer than every
// source file it may contain (TypeScript, and the renderer's page and styles). Plain JavaScript, because bin/fiot-flash.mjs decides this
// before any TypeScript loader is up (starting through tsx costs ~0.5 s, a bundle ~0.1 s).
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const SOURCE_DIRS = ['electron', 'shared'];
const SOURCE_FILE = /\.(tsx?|css|html)$/;

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (SOURCE_FILE.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * `root/bundle` when it is fresh, else null. `sourceDirs` are the folders it is built from (the
 * core's by default). A packaged app has no sources: its bundle is fresh.
 */
export function freshBundle(root, bundle, sourceDirs = SOURCE_DIRS) {
  const file = path.join(root, bundle);
  try {
    const built = statSync(file).mtimeMs;
    const dirs = sourceDirs.map((dir) => path.join(root, dir));
    const sources = dirs.map((dir) => {
      try {
        return newestSource(dir);
      } catch {
        return 0;
      }
    });
    return Math.max(...sources) <= built ? file : null;
  } catch {
    return null;
  }
}
