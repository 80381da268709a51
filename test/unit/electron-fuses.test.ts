/**
 * The packaged app's Electron fuses, read from electron-builder.yml (nothing can package here, so
 * the configuration is what can be checked): NODE_OPTIONS and --inspect cannot reach the app, it
 * loads only from its app.asar, and that archive's integrity is checked. ELECTRON_RUN_AS_NODE may
 * stay possible only while the writer is started through it: the fuse must be off as soon as
 * neither the writer command nor its root launcher needs it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(import.meta.dirname, '../..');

/** The `key: true|false` lines of one top-level block of the YAML file (enough for this flat block). */
function yamlBlock(text: string, name: string): Record<string, boolean> {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line === `${name}:`);
  assert.ok(start >= 0, `electron-builder.yml has an ${name} block`);
  const block: Record<string, boolean> = {};
  for (const line of lines.slice(start + 1)) {
    if (!/^\s/.test(line) || line.trim() === '') break;
    const match = /^ {2}(\w+): (true|false)\s*(#.*)?$/.exec(line);
    assert.ok(match, `a plain boolean setting: “${line}”`);
    block[match[1]!] = match[2] === 'true';
  }
  return block;
}

const writerNeedsRunAsNode = () =>
  [path.join(root, 'assets/linux/fiot-writer'), path.join(root, 'electron/core/flash/writer-command.ts')].some((file) => readFileSync(file, 'utf8').includes('ELECTRON_RUN_AS_NODE'));

describe('Electron fuses of the packaged app (electron-builder.yml)', () => {
  const fuses = yamlBlock(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8'), 'electronFuses');

  it('turns off NODE_OPTIONS and the --inspect switches', () => {
    assert.equal(fuses.enableNodeOptionsEnvironmentVariable, false);
    assert.equal(fuses.enableNodeCliInspectArguments, false);
  });

  it('loads the app only from its app.asar, and checks that archive’s integrity', () => {
    assert.equal(fuses.onlyLoadAppFromAsar, true);
    assert.equal(fuses.enableEmbeddedAsarIntegrityValidation, true);
  });

  it('allows ELECTRON_RUN_AS_NODE only while the writer is started through it', () => {
    assert.equal(typeof fuses.runAsNode, 'boolean', 'runAsNode is set explicitly');
    if (writerNeedsRunAsNode()) assert.equal(fuses.runAsNode, true, 'the writer starts the app’s binary as Node: with the fuse off it could not start');
    else assert.equal(fuses.runAsNode, false, 'nothing starts the app as Node any more: turn the fuse off');
  });
});
