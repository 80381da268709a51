#!/usr/bin/env node
// `npm run build`: the renderer with vite (dist/renderer/), then Electron's main and preload with
// esbuild (dist/electron/*.cjs). Native modules stay outside the bundle: they load their own
// binaries at run time, and electron-builder unpacks them next to the app.
import { build as esbuild } from 'esbuild';
import { buildRendererPage } from '../bin/renderer-page.mjs';
import path from 'node:path';
import process from 'node:process';

const root = path.resolve(import.meta.dirname, '..');
const started = Date.now();

/** Modules with native binaries or wasm files beside them, and Electron itself. */
const external = [
  'electron',
  'drivelist',
  'etcher-sdk',
  'lzma-native',
  'mountutils',
  'usb',
  'xxhash-addon',
  '@ronomon/direct-io',
  'ext2fs',
  'balena-image-fs',
  'file-disk',
  'bufferutil',
  'utf-8-validate',
  'dbus-next',
  'usocket',
];

async function buildElectron() {
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external,
    logLevel: 'warning',
    sourcemap: 'linked',
    absWorkingDir: root,
    // ES modules in the core and its libraries (openpgp) read import.meta.url, which CommonJS
    // leaves empty: give them the bundle's own file URL.
    define: { 'import.meta.url': '__fiotBundleUrl', 'import.meta.dirname': '__dirname' },
    banner: { js: 'const __fiotBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  };
  await Promise.all([
    esbuild({ ...common, entryPoints: ['electron/main/main.ts'], outfile: 'dist/electron/main.cjs' }),
    // The writer runs as its own (possibly elevated) process; the main process points
    // FIOT_WRITER_ENTRY at this file. electron-builder unpacks dist/writer/ from the asar.
    esbuild({ ...common, entryPoints: ['electron/writer/main.ts'], outfile: 'dist/writer/main.cjs' }),
    // fiot-flash starts from this bundle while it is fresh (electron/core/fresh-bundle.mjs): ~0.5 s less per
    // command than compiling the sources through tsx, which counts in every scripted flash.
    esbuild({ ...common, entryPoints: ['electron/cli/main.ts'], outfile: 'dist/cli/main.cjs' }),
    // The preload runs sandboxed: it may only require 'electron', so everything else is bundled in.
    esbuild({ ...common, entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/electron/preload.cjs', external: ['electron'], minify: true }),
  ]);
}

await buildRendererPage(root);
await buildElectron();
process.stdout.write(`Built dist/renderer, dist/electron, dist/writer and dist/cli in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
