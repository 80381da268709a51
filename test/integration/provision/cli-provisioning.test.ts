/**
 * The provisioning side of `fiot-flash`, run for real: `ignition` prints what would be written,
 * `provision` writes it into an image file, and `flash` gives every card of a multi-card run its
 * own config. Bad input exits 2 naming the flag, before any byte is written.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fromDataUrl } from '../../../shared/provisioning';
import { provisionFixture } from '../../helpers/provision-fixture';
import { debugfs, fsckPartition, sha256Span, statMode } from '../../helpers/boot-partition';
import { createLoopDisk } from '../../helpers/loop';
import { ED25519_KEY, RSA_KEY } from '../../helpers/ssh-keys';
import { assertIgnitionValid } from '../../helpers/ignition-validate';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';
import { resultLine } from '../../helpers/cli-json';

const root = path.resolve(import.meta.dirname, '../../..');
const fixtureTools = commandsSkipReason('debugfs', 'e2fsck', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'openssl', 'xz', 'ignition-validate');
let dir: string;
let keyFile: string;

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-cli-provision-'));
  keyFile = path.join(dir, 'id.pub');
  writeFileSync(keyFile, `${ED25519_KEY}\n# a comment line\n${RSA_KEY}\n`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), ...args], { cwd: dir, encoding: 'utf8', input: '', timeout: 180_000 });
}

const result = (stdout: string) => resultLine(stdout);

const hostnameOf = (configText: string) => {
  const config = JSON.parse(configText) as { storage: { files: Array<{ path: string; contents: { source: string } }> } };
  return fromDataUrl(config.storage.files.find((f) => f.path === '/etc/hostname')!.contents.source);
};

describe('fiot-flash ignition', () => {
  it('prints the config for card --counter-start, with keys from a file', { skip: commandsSkipReason('ignition-validate') ?? false }, () => {
    const run = cli(['ignition', '--hostname', 'fleet-{n:03}', '--user', 'core', '--ssh-key', `@${keyFile}`, '--counter-start', '7']);
    assert.equal(run.status, 0, run.stderr);
    const config = JSON.parse(run.stdout);
    assert.equal(config.ignition.version, '3.3.0');
    assert.equal(hostnameOf(run.stdout), 'fleet-007\n');
    assert.deepEqual(config.passwd.users, [{ name: 'core', sshAuthorizedKeys: [ED25519_KEY, RSA_KEY], groups: ['wheel'] }]);
    assertIgnitionValid(run.stdout);
  });

  it('exits 2 naming the flag on bad input', () => {
    const badKey = cli(['ignition', '--user', 'core', '--ssh-key', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5']);
    assert.equal(badKey.status, 2);
    assert.match(badKey.stderr, /--ssh-key: /);
    const badHost = cli(['ignition', '--hostname', 'under_score']);
    assert.equal(badHost.status, 2);
    assert.match(badHost.stderr, /--hostname: “under_score” may contain only letters, digits and hyphens/);
    const keyWithoutUser = cli(['ignition', '--ssh-key', ED25519_KEY]);
    assert.equal(keyWithoutUser.status, 2);
    assert.match(keyWithoutUser.stderr, /need --user NAME/);
    writeFileSync(path.join(dir, 'bad.ign'), '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"relative/x"}]}}');
    const relative = cli(['ignition', '--ignition', 'bad.ign', '--json']);
    assert.equal(relative.status, 2);
    assert.match(result(relative.stdout).error!.message, /--ignition: storage\.files\.0\.path: "relative\/x" must be an absolute path/);
    const missing = cli(['ignition', '--ignition', 'nope.ign']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--ignition nope\.ign: no such file/);
  });

  it('reads a saved or exported profile and lets flags add to it', () => {
    const profile = path.join(dir, 'lab.fiot-profile.json');
    writeFileSync(profile, JSON.stringify({ format: 'fiot-profile/1', name: 'lab', profile: { hostname: 'lab-{n}', timezone: 'UTC' } }));
    const run = cli(['ignition', '--profile', profile, '--user', 'core', '--ssh-key', ED25519_KEY, '--json']);
    assert.equal(run.status, 0, run.stderr);
    const out = result(run.stdout) as unknown as { hostname: string; config: { storage: { links: unknown[] } } };
    assert.equal(out.hostname, 'lab-1');
    assert.equal(out.config.storage.links.length, 1);
  });
});

describe('fiot-flash provision <image file>', { skip: fixtureTools ?? false }, () => {
  it('writes the config into the boot partition and says so', async () => {
    const source = await provisionFixture({ layout: 'mbr' });
    const file = path.join(dir, 'card.img');
    copyFileSync(source.path, file);
    const run = cli(['provision', file, '--hostname', 'bench-{n}', '--user', 'core', '--ssh-key', `@${keyFile}`, '--counter-start', '3', '--json']);
    assert.equal(run.status, 0, run.stderr + run.stdout);
    const out = result(run.stdout);
    assert.equal(out.ok, true);
    assert.equal(out.hostname, 'bench-3');
    const boot = source.partitions.find((p) => p.label === 'boot')!;
    assert.equal(hostnameOf(debugfs(file, boot, 'cat /ignition/config.ign')), 'bench-3\n');
    assert.deepEqual(statMode(file, boot, '/ignition/config.ign'), { type: 'regular', mode: '0600', user: '0' });
  });

  it('refuses Zezere for an image without zezere-ignition, and a file that is not Fedora IoT, unchanged', async () => {
    const source = await provisionFixture({ layout: 'gpt' });
    const file = path.join(dir, 'gpt.img');
    copyFileSync(source.path, file);
    const before = sha256Span(file, { offset: 0, size: source.size });
    const zezere = cli(['provision', file, '--zezere-url', 'https://zezere.example/', '--json']);
    assert.equal(zezere.status, 1);
    assert.equal(result(zezere.stdout).error!.code, 'ZEZERE_UNSUPPORTED');
    assert.equal(sha256Span(file, { offset: 0, size: source.size }), before);
    const blank = path.join(dir, 'blank.img');
    writeFileSync(blank, Buffer.alloc(4 << 20));
    const notIot = cli(['provision', blank, '--hostname', 'x']);
    assert.equal(notIot.status, 1);
    // A file with no partition table is not even a disk image: refused before it is opened for writing.
    assert.match(notIot.stderr, /is not a disk image|no “boot” partition|not a Fedora IoT/);
    assert.ok(readFileSync(blank).equals(Buffer.alloc(4 << 20)), 'the blank file is unchanged');
  });
});

describe('fiot-flash flash with provisioning on two loop devices', { skip: loopSkipReason() ?? fixtureTools ?? false }, () => {
  it('leaves fleet-001 and fleet-002, each 0600 with the stamp intact and a clean boot filesystem', async () => {
    const source = await provisionFixture({ layout: 'mbr', xz: true });
    const cards = [createLoopDisk(source.size), createLoopDisk(source.size)];
    try {
      const run = cli(['flash', source.xzPath!, '--drive', cards[0]!.device, '--drive', cards[1]!.device, '--yes',
        '--hostname', 'fleet-{n:03}', '--user', 'core', '--ssh-key', `@${keyFile}`, '--json']);
      assert.equal(run.status, 0, run.stderr + run.stdout.slice(-2000));
      const out = result(run.stdout) as unknown as { targets: Array<{ hostname: string; verified: boolean }> };
      assert.deepEqual(out.targets.map((t) => [t.hostname, t.verified]), [['fleet-001', true], ['fleet-002', true]]);
      const boot = source.partitions.find((p) => p.label === 'boot')!;
      for (const [i, card] of cards.entries()) {
        const text = debugfs(card.device, boot, 'cat /ignition/config.ign');
        assert.equal(hostnameOf(text), `fleet-00${i + 1}\n`);
        assert.deepEqual(statMode(card.device, boot, '/ignition/config.ign'), { type: 'regular', mode: '0600', user: '0' });
        assert.match(debugfs(card.device, boot, 'cat /ignition.firstboot'), /^set ignition_network_kcmdline='systemd\.firstboot=off/);
        assert.equal(fsckPartition(card.device, boot).status, 0);
        assertIgnitionValid(text);
      }
    } finally {
      for (const card of cards) card.dispose();
    }
  });

  it('refuses bad provisioning input before writing a byte', async () => {
    const source = await provisionFixture({ layout: 'mbr', xz: true });
    const card = createLoopDisk(source.size);
    try {
      const badKey = cli(['flash', source.xzPath!, '--drive', card.device, '--yes', '--user', 'core', '--ssh-key', 'ssh-rsa AAAAB3NzaC1yc2E=']);
      assert.equal(badKey.status, 2);
      assert.match(badKey.stderr, /--ssh-key: /);
      const zezere = cli(['flash', source.xzPath!, '--drive', card.device, '--yes', '--zezere-url', 'https://zezere.example/', '--json']);
      assert.equal(zezere.status, 1);
      assert.equal(result(zezere.stdout).error!.code, 'ZEZERE_UNSUPPORTED');
      assert.equal(card.sectorsWritten(), 0, 'nothing may be written to the card');
    } finally {
      card.dispose();
    }
  });
});
