/** How the writer is started: plain when no privilege is needed or already root, pkexec on Linux, an honest refusal elsewhere. */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { writerCommand } from '../../../electron/core/flash/writer-command';
import { freshBuiltWriter } from '../../../electron/core/flash/writer-entry';
import { FiotError } from '../../../shared/errors';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-pkexec-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { PATH: '/nonexistent' };

test('without privilege, or as root: this Node on the writer entry (built, or TypeScript through tsx), as plain Node inside Electron', () => {
  for (const [needs, root] of [[false, false], [true, true]] as const) {
    const command = writerCommand(needs, { platform: 'linux', root, env });
    assert.equal(command.command, process.execPath);
    assert.equal(command.elevated, false);
    const entry = command.args.at(-1) ?? '';
    if (entry.endsWith('.cjs')) assert.equal(command.args.length, 1);
    else assert.deepEqual([command.args[0], /^file:.*tsx/.test(command.args[1] ?? '')], ['--import', true]);
    assert.ok(existsSync(entry), `the entry ${entry} exists`);
    assert.equal(command.env.ELECTRON_RUN_AS_NODE, '1');
  }
});

test('the built writer is used only while no source file is newer than it', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fiot-entry-'));
  try {
    for (const dir of ['dist/writer', 'electron/writer', 'shared']) mkdirSync(path.join(root, dir), { recursive: true });
    const bundle = path.join(root, 'dist/writer/main.cjs');
    const source = path.join(root, 'electron/writer/main.ts');
    writeFileSync(source, '');
    writeFileSync(path.join(root, 'shared/contract.ts'), '');
    writeFileSync(bundle, '');
    utimesSync(source, 1000, 1000);
    utimesSync(path.join(root, 'shared/contract.ts'), 1000, 1000);
    utimesSync(bundle, 2000, 2000);
    assert.equal(freshBuiltWriter(root), bundle);
    utimesSync(source, 3000, 3000);
    assert.equal(freshBuiltWriter(root), null, 'a source edited after the build');
    rmSync(bundle);
    assert.equal(freshBuiltWriter(root), null, 'no build');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a bundled entry runs without the loader', () => {
  const command = writerCommand(false, { platform: 'linux', root: false, env: { FIOT_WRITER_ENTRY: '/opt/app/writer.cjs' } });
  assert.deepEqual(command.args, ['/opt/app/writer.cjs']);
});

test('Linux, not root: pkexec runs the writer, with what it needs on its command line', () => {
  const pkexec = path.join(dir, 'pkexec');
  writeFileSync(pkexec, '#!/bin/sh\n');
  chmodSync(pkexec, 0o755);
  const command = writerCommand(true, { platform: 'linux', root: false, env: { PATH: dir } });
  assert.equal(command.command, pkexec);
  assert.equal(command.elevated, true);
  assert.deepEqual(command.args.slice(0, 3), ['env', 'ELECTRON_RUN_AS_NODE=1', `PATH=${dir}`]);
  assert.ok(command.args.includes(process.execPath));
});

test('no pkexec, macOS or Windows without rights: PERMISSION_DENIED that says how to run elevated', () => {
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    assert.throws(
      () => writerCommand(true, { platform, root: false, env }),
      (error: unknown) => error instanceof FiotError && error.code === 'PERMISSION_DENIED' && /sudo|administrator/i.test(error.hint),
      platform,
    );
  }
});
