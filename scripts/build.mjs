#!/usr/bin/env node
// `npm run build`: the renderer with vite (dist/renderer/), then Electron's main and preload with
// esbuild (dist/electron/*.cjs). Native modules stay outside the bundle: they load their own
// binaries at run time, and electron-builder unpacks them next to the app.
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';
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
  };
  await Promise.all([
    esbuild({ ...common, entryPoints: ['electron/main/main.ts'], outfile: 'dist/electron/main.cjs' }),
    // The preload runs sandboxed: it may only require 'electron', so everything else is bundled in.
    esbuild({ ...common, entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/electron/preload.cjs', external: ['electron'] }),
  ]);
}

await viteBuild({ configFile: path.join(root, 'vite.config.ts'), mode: 'production' });
await buildElectron();
process.stdout.write(`Built dist/renderer and dist/electron in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
