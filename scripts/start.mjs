#!/usr/bin/env node
// `npm start`: build, then open the desktop app. Where Electron's binary could not be downloaded
// (its npm package fetches it from outside the npm registry), say so plainly and start the station
// instead, so `npm start` always gives the user the app, in a browser tab.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

/** The Electron binary's path, or null when the package is there but its download never happened. */
function electronBinary() {
  try {
    const binary = require('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  // Ctrl-C reaches the child through the terminal; only pass on a plain termination request.
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
}

const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const electron = electronBinary();
if (electron) {
  run(electron, [root]);
} else {
  process.stdout.write(
    [
      '',
      'Electron could not be downloaded on this machine (its binary comes from outside the npm',
      'registry), so the desktop window cannot open here. Starting the station instead: open the',
      'address below in a browser on this machine. Stop it with Ctrl-C.',
      '',
    ].join('\n') + '\n',
  );
  run(process.execPath, [path.join(root, 'bin', 'fiot-flash.mjs'), 'station', ...process.argv.slice(2)]);
}
