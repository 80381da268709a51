/** How the writer is started: plain when no privilege is needed or already root, pkexec on the installed launcher on Linux, an honest refusal elsewhere. */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { writerCommand } from '../../../electron/core/flash/writer-command';
import { freshBuiltWriter } from '../../../electron/core/flash/writer-entry';
import { FiotError } from '../../../shared/errors';
import { rootSkipReason } from '../../helpers/system';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-pkexec-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { PATH: '/nonexistent' };
/** A root-only launcher can only be made by root. */
const rootSkip = rootSkipReason('to make a launcher only root can change') ?? false;

/** A launcher and what it runs, as the packages install them: root's files in root's folders (the temp folder is sticky). */
function rootOnlyLauncher(): string {
  const app = mkdtempSync(path.join(dir, 'app-'));
  chmodSync(app, 0o755);
  const folder = path.join(app, 'resources');
  mkdirSync(path.join(folder, 'app.asar.unpacked', 'dist', 'writer'), { recursive: true });
  writeFileSync(path.join(folder, 'app.asar.unpacked', 'dist', 'writer', 'main.cjs'), '');
  writeFileSync(path.join(app, 'fedora-iot-flasher'), '', { mode: 0o755 });
  const launcher = path.join(folder, 'fiot-writer');
  writeFileSync(launcher, '#!/bin/sh\n', { mode: 0o755 });
  return launcher;
}

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

test('Linux, not root: pkexec runs only the installed launcher, with a fixed PATH and nothing of the user’s', { skip: rootSkip }, () => {
  const launcher = rootOnlyLauncher();
  const home = path.join(dir, 'home');
  const hostile = { PATH: `${home}/bin:/usr/bin`, FIOT_WRITER_ENTRY: `${home}/evil.cjs`, NODE_OPTIONS: `--require ${home}/evil.cjs`, HOME: home };
  const command = writerCommand(true, { platform: 'linux', root: false, env: hostile, launcher, pkexec: '/usr/bin/pkexec' });
  assert.equal(command.command, '/usr/bin/pkexec');
  assert.equal(command.elevated, true);
  assert.deepEqual(command.args, [launcher]);
  assert.deepEqual(command.env, { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' });
  assert.ok(!JSON.stringify(command).includes(home), 'no user path, entry or option reaches the elevated command');
});

test('pkexec is looked up in the system folders, never on the user’s PATH', { skip: rootSkip }, () => {
  const fake = path.join(dir, 'pkexec');
  writeFileSync(fake, '#!/bin/sh\n');
  chmodSync(fake, 0o755);
  const host = { platform: 'linux' as const, root: false, env: { PATH: dir }, launcher: rootOnlyLauncher() };
  let command: string | null = null;
  try {
    command = writerCommand(true, host).command;
  } catch (error) {
    assert.ok(error instanceof FiotError && /pkexec is not installed/.test(error.message), String(error));
  }
  assert.notEqual(command, fake);
});

test('a launcher someone other than root can change is refused for elevation, saying to install the app or use sudo', { skip: rootSkip }, () => {
  const launcher = rootOnlyLauncher();
  const writable = (why: string, change: () => void, undo: () => void) => {
    change();
    try {
      assert.throws(
        () => writerCommand(true, { platform: 'linux', root: false, env: {}, launcher, pkexec: '/usr/bin/pkexec' }),
        (error: unknown) => error instanceof FiotError && error.code === 'PERMISSION_DENIED' && /install the app/i.test(error.hint) && /sudo/.test(error.hint),
        why,
      );
    } finally {
      undo();
    }
  };
  writable('the launcher is world-writable', () => chmodSync(launcher, 0o777), () => chmodSync(launcher, 0o755));
  writable('its folder belongs to a user', () => chownSync(path.dirname(launcher), 65534, 65534), () => chownSync(path.dirname(launcher), 0, 0));
  writable('its folder is group-writable', () => chmodSync(path.dirname(launcher), 0o775), () => chmodSync(path.dirname(launcher), 0o755));
  // What the launcher runs (issue 18, item 8): the writer, the binary, and every file of app.asar.unpacked.
  const resources = path.dirname(launcher);
  const writer = path.join(resources, 'app.asar.unpacked', 'dist', 'writer', 'main.cjs');
  writable('the writer it runs is world-writable', () => chmodSync(writer, 0o666), () => chmodSync(writer, 0o644));
  writable('the binary it runs belongs to a user', () => chownSync(path.join(resources, '..', 'fedora-iot-flasher'), 65534, 65534), () => chownSync(path.join(resources, '..', 'fedora-iot-flasher'), 0, 0));
  const addon = path.join(resources, 'app.asar.unpacked', 'node_modules', 'addon.node');
  mkdirSync(path.dirname(addon), { recursive: true });
  writeFileSync(addon, '');
  writable('a native module it loads belongs to a user', () => chownSync(addon, 65534, 65534), () => chownSync(addon, 0, 0));
  const userFolder = mkdtempSync(path.join(dir, 'user-modules-'));
  writable('a link in app.asar.unpacked leads to a user\'s folder', () => (chownSync(userFolder, 65534, 65534), symlinkSync(userFolder, path.join(resources, 'app.asar.unpacked', 'linked'))), () => rmSync(path.join(resources, 'app.asar.unpacked', 'linked')));
  writable('the writer is missing', () => rmSync(writer), () => writeFileSync(writer, ''));
  const link = path.join(dir, 'user-link');
  mkdirSync(path.join(dir, 'user-dir'));
  copyFileSync(launcher, path.join(dir, 'user-dir', 'fiot-writer'));
  chownSync(path.join(dir, 'user-dir'), 65534, 65534);
  symlinkSync(path.join(dir, 'user-dir'), link);
  assert.throws(() => writerCommand(true, { platform: 'linux', root: false, env: {}, launcher: path.join(link, 'fiot-writer'), pkexec: '/usr/bin/pkexec' }), /belongs to user 65534/, 'through a symlink to a user’s folder');
  assert.throws(() => writerCommand(true, { platform: 'linux', root: false, env: {}, launcher: path.join(import.meta.dirname, 'missing-launcher'), pkexec: '/usr/bin/pkexec' }), FiotError, 'a launcher that is not there');
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
