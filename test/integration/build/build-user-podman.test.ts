/**
 * Issue 18, item 7: `FIOT_PODMAN=$HOME/bin/podman fiot-flash build …` by a normal user asked
 * pkexec to run that file as root. A build runs podman as root, so only the system's podman is
 * run: the user's file is refused by the preflight with the fix, and never run at all.
 * The real CLI as an unprivileged user (setpriv), a podman of the user's own that leaves a mark.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { commandsSkipReason, rootSkipReason } from '../../helpers/system';

const CLI = path.resolve(import.meta.dirname, '..', '..', '..', 'bin', 'fiot-flash.mjs');
const NOBODY = 65534;
const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-user-podman-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a normal user\'s own podman is refused for a build, and never run', { skip: rootSkipReason('to run the CLI as another user') ?? commandsSkipReason('setpriv') ?? false }, () => {
  chmodSync(dir, 0o755);
  const home = path.join(dir, 'home');
  const bin = path.join(home, 'bin');
  mkdirSync(bin, { recursive: true });
  const mark = path.join(home, 'podman-was-run');
  const podman = path.join(bin, 'podman');
  writeFileSync(podman, `#!/bin/sh\necho "$@" >> ${mark}\necho '{"Client":{"Version":"5.0.0"}}'\n`, { mode: 0o755 });
  for (const entry of [home, bin, podman]) chownSync(entry, NOBODY, NOBODY);
  const out = path.join(home, 'out');
  const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: home, FIOT_PODMAN: podman, FIOT_CONFIG_DIR: path.join(home, 'config'), FIOT_CACHE_DIR: path.join(home, 'cache') };
  const r = spawnSync('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', process.execPath, CLI, 'build', 'quay.io/fedora/fedora-iot:42', '--arch', 'x86_64', '--output', out],
    { env, encoding: 'utf8', timeout: 120_000 });
  assert.notEqual(r.status, 0, r.stdout + r.stderr);
  const said = r.stdout + r.stderr;
  assert.match(said, /A build runs podman as root, so only a podman installed in the system folders is run, not .*home\/bin\/podman/);
  assert.match(said, /unset FIOT_PODMAN/);
  assert.equal(existsSync(mark), false, 'the user\'s podman was not run, not even for its version');
  assert.equal(existsSync(out) && readdirSync(out).length > 0, false, 'nothing was built');
});
