#!/usr/bin/env node
// fiot-flash: starts from the built bundle (dist/cli/main.cjs) while it is newer than the sources,
// else runs the TypeScript CLI through tsx's loader, so `npx fiot-flash` works straight after `npm ci`.
// `station` first builds the app's page when it is missing or stale (bin/renderer-page.mjs).
import { createRequire } from 'node:module';
import path from 'node:path';
import { freshBundle } from '../electron/core/fresh-bundle.mjs';
import { ensureRendererPage } from './renderer-page.mjs';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
if (args[0] === 'station' && !args.includes('--help') && !args.includes('-h')) await ensureRendererPage(root, (line) => process.stderr.write(`${line}\n`));
const bundle = freshBundle(root, path.join('dist', 'cli', 'main.cjs'));

let main;
if (bundle) {
  ({ main } = createRequire(import.meta.url)(bundle));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../electron/cli/main.ts'));
}
process.exitCode = await main(args);
