// The app's page (dist/renderer/), built from renderer/ with vite: by `npm run build`, and by
// `fiot-flash station` when the page is missing or older than its sources, so the station serves
// the app straight after `npm ci` in a fresh clone. Plain JavaScript, like the rest of bin/.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { freshBundle } from '../electron/core/fresh-bundle.mjs';

const PAGE = path.join('dist', 'renderer', 'index.html');
const PAGE_SOURCES = ['renderer', 'shared'];

export async function buildRendererPage(root) {
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'vite.config.ts'), mode: 'production' });
}

/**
 * Builds the page when it is missing or stale and can be built here. A packaged app ships the page
 * and has no renderer/ sources; an install without dev dependencies has no vite: in both cases the
 * station serves what there is (or says how to build it).
 */
export async function ensureRendererPage(root, say) {
  if (!existsSync(path.join(root, 'renderer')) || freshBundle(root, PAGE, PAGE_SOURCES)) return;
  try {
    await import('vite');
  } catch {
    return;
  }
  const started = Date.now();
  say(existsSync(path.join(root, PAGE)) ? 'The app’s page is older than its sources: building it again…' : 'Building the app’s page (once, after an install or update)…');
  await buildRendererPage(root);
  say(`Built the app’s page in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
