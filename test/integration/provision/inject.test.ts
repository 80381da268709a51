/**
 * Injection into Fedora-IoT-shaped images (MBR and GPT, Fedora's ext4 features), checked the way
 * a person would: debugfs for modes, owner and content, e2fsck for a clean filesystem,
 * ignition-validate on the file as written, hashes for everything that must stay untouched.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { injectProvisioning, openBlockIO, type InjectResult } from '../../../electron/core/provision';
import { FiotError } from '../../../shared/errors';
import { plansForRun, type ProvisioningPlan } from '../../../shared/provisioning';
import type { Fixture } from '../../fixtures/fixture';
import { provisionFixture } from '../../helpers/provision-fixture';
import { changedBlocks, debugfs, fsckPartition, outsideBootHashes, sha256Span, statMode } from '../../helpers/boot-partition';
import { ED25519_KEY } from '../../helpers/ssh-keys';
import { assertIgnitionValid } from '../../helpers/ignition-validate';
import { commandsSkipReason } from '../../helpers/system';

const MiB = 1024 * 1024;
const FEDORA_STAMP = "set ignition_network_kcmdline='systemd.firstboot=off systemd.condition-first-boot=true'\n";
const skip = commandsSkipReason('debugfs', 'e2fsck', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'openssl', 'ignition-validate') ?? false;

let work: string;
before(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'fiot-provision-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

const fixture = (layout: 'mbr' | 'gpt', zezere = false) => provisionFixture({ layout, zezere });

function copyOf(source: Fixture, name: string): string {
  const file = path.join(work, name);
  copyFileSync(source.path, file);
  return file;
}

function planFor(input: unknown, n = 1): ProvisioningPlan {
  const { plans, problems } = plansForRun(input, n, 1);
  assert.deepEqual(problems, []);
  return plans!.at(-1)!;
}

async function inject(file: string, plan: ProvisioningPlan): Promise<InjectResult> {
  const io = await openBlockIO(file, statSync(file).size);
  try {
    return await injectProvisioning(io, plan);
  } finally {
    await io.close();
  }
}

const bootOf = (f: Fixture) => f.partitions.find((p) => p.label === 'boot')!;
const rootOf = (f: Fixture) => f.partitions.find((p) => p.label === 'root')!;

async function refusedUnchanged(file: string, plan: ProvisioningPlan, code: string, message: RegExp): Promise<void> {
  const size = statSync(file).size;
  const before = sha256Span(file, { offset: 0, size });
  await assert.rejects(inject(file, plan), (error: unknown) => {
    assert.ok(error instanceof FiotError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
  assert.equal(sha256Span(file, { offset: 0, size }), before, 'a refused injection must not change a byte');
}

for (const layout of ['mbr', 'gpt'] as const) {
  describe(`inject a config into a ${layout.toUpperCase()} image file`, { skip }, () => {
    it('writes /ignition/config.ign 0600 in /ignition 0700, root-owned, keeps the stamp, stays fsck-clean', async () => {
      const source = await fixture(layout);
      const file = copyOf(source, `${layout}-config.img`);
      const boot = bootOf(source);
      const outsideBefore = outsideBootHashes(file, boot, source.size);
      const plan = planFor({ hostname: 'fleet-{n:03}', users: [{ name: 'core', sshAuthorizedKeys: [ED25519_KEY], groups: ['wheel'] }] }, 2);
      assert.ok(plan.mode === 'config', `a config plan, not ${plan.mode}`);

      const result = await inject(file, plan);

      assert.equal(result.boot.offset, boot.offset);
      assert.equal(result.hostname, 'fleet-002');
      assert.deepEqual(statMode(file, boot, '/ignition'), { type: 'directory', mode: '0700', user: '0' });
      assert.deepEqual(statMode(file, boot, '/ignition/config.ign'), { type: 'regular', mode: '0600', user: '0' });
      const written = debugfs(file, boot, 'cat /ignition/config.ign');
      assert.equal(written, plan.configText);
      assert.match(written, /"source": "data:,fleet-002%0A"/);
      assert.equal(debugfs(file, boot, 'cat /ignition.firstboot'), FEDORA_STAMP);
      const fsck = fsckPartition(file, boot);
      assert.equal(fsck.status, 0, fsck.output);
      assert.equal(fsckPartition(file, rootOf(source)).status, 0);
      assert.deepEqual(outsideBootHashes(file, boot, source.size), outsideBefore, 'ESP, root and the partition table stay untouched');
      assertIgnitionValid(written);
    });

    it('reports every changed block in its changed ranges (what the writer reads back)', async () => {
      const source = await fixture(layout);
      const file = copyOf(source, `${layout}-ranges.img`);
      const result = await inject(file, planFor({ hostname: 'ranges' }));
      const inRanges = (offset: number) => result.changed.some((r) => offset < r.offset + r.length && offset + 4096 > r.offset);
      const changed = changedBlocks(source.path, file, bootOf(source));
      assert.ok(changed.length > 0);
      for (const block of changed) assert.ok(inRanges(block), `block at ${block} changed but is not in the reported ranges`);
      const boot = bootOf(source);
      for (const r of result.changed) assert.ok(r.offset >= boot.offset && r.offset + r.length <= boot.offset + boot.size);
    });

    it('URL mode puts ignition.config.url on the first boot’s kernel line through the stamp', async () => {
      const source = await fixture(layout);
      const file = copyOf(source, `${layout}-url.img`);
      const result = await inject(file, planFor({ ignitionUrl: 'https://provision.example/cards/a.ign' }));
      assert.equal(result.mode, 'url');
      const boot = bootOf(source);
      assert.equal(debugfs(file, boot, 'cat /ignition.firstboot'),
        "set ignition_network_kcmdline='systemd.firstboot=off systemd.condition-first-boot=true ignition.config.url=https://provision.example/cards/a.ign'\n");
      assert.equal(fsckPartition(file, boot).status, 0);
    });

    it('provisioning a card twice replaces the config', async () => {
      const source = await fixture(layout);
      const file = copyOf(source, `${layout}-twice.img`);
      await inject(file, planFor({ hostname: 'first' }));
      const second = planFor({ hostname: 'second' });
      assert.ok(second.mode === 'config', `a config plan, not ${second.mode}`);
      await inject(file, second);
      // debugfs prints nothing for a missing file: the file must be there before its text counts.
      assert.deepEqual(statMode(file, bootOf(source), '/ignition/config.ign'), { type: 'regular', mode: '0600', user: '0' });
      assert.equal(debugfs(file, bootOf(source), 'cat /ignition/config.ign'), second.configText);
      assert.equal(fsckPartition(file, bootOf(source)).status, 0);
    });
  });
}

describe('Zezere mode', { skip }, () => {
  it('adds zezere.url to the boot entries of an image that ships zezere-ignition', async () => {
    const source = await fixture('mbr', true);
    const file = copyOf(source, 'zezere.img');
    await inject(file, planFor({ zezereUrl: 'https://zezere.example/' }));
    const boot = bootOf(source);
    const entry = debugfs(file, boot, 'cat /loader/entries/ostree-1-fedora-iot.conf');
    assert.match(entry, /^options .*ignition\.platform\.id=metal .* zezere\.url=https:\/\/zezere\.example\/$/m);
    assert.match(entry, /^title Fedora Linux/);
    assert.equal(fsckPartition(file, boot).status, 0);
  });

  it('refuses an image without zezere-ignition before writing', async () => {
    const file = copyOf(await fixture('gpt'), 'no-zezere.img');
    await refusedUnchanged(file, planFor({ zezereUrl: 'https://zezere.example/' }), 'ZEZERE_UNSUPPORTED', /zezereUrl: .*does not contain zezere-ignition/);
  });
});

describe('bad input is refused before anything is written', { skip }, () => {
  const config = (text: string): ProvisioningPlan => ({ mode: 'config', configText: text });

  it('invalid JSON, a relative path, an unknown version, an unnamed user', async () => {
    const file = copyOf(await fixture('mbr'), 'bad-input.img');
    await refusedUnchanged(file, config('{"ignition": '), 'INVALID_INPUT', /^config: is not valid JSON/);
    await refusedUnchanged(file, config('{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"etc/x"}]}}'), 'INVALID_INPUT',
      /config: storage\.files\.0\.path: "etc\/x" must be an absolute path/);
    await refusedUnchanged(file, config('{"ignition":{"version":"4.0.0"}}'), 'INVALID_INPUT', /config: ignition\.version: "4\.0\.0" is not a spec version/);
    await refusedUnchanged(file, config('{"ignition":{"version":"3.3.0"},"passwd":{"users":[{}]}}'), 'INVALID_INPUT', /passwd\.users\.0\.name/);
  });

  it('an image without an ext4 partition labelled boot', async () => {
    const file = path.join(work, 'not-iot.img');
    execFileSync('truncate', ['-s', String(48 * MiB), file]);
    execFileSync('sfdisk', ['-q', file], { input: 'label: dos\nstart=2048, size=90112, type=83\n' });
    execFileSync('mkfs.ext4', ['-q', '-F', '-L', 'data', '-E', `offset=${2048 * 512}`, file, String(44 * 1024)]);
    await refusedUnchanged(file, planFor({ hostname: 'x' }), 'NOT_FEDORA_IOT', /No ext4 partition labelled “boot” was found \(ext4 partitions found: “data”\)/);
  });

  it('a blank image with no partition table', async () => {
    const file = path.join(work, 'blank.img');
    execFileSync('truncate', ['-s', String(8 * MiB), file]);
    await refusedUnchanged(file, planFor({ hostname: 'x' }), 'NOT_FEDORA_IOT', /partition/);
  });

  it('a card that has booted already (no first-boot stamp)', async () => {
    const source = await fixture('gpt');
    const file = copyOf(source, 'booted.img');
    execFileSync('debugfs', ['-w', '-R', 'rm /ignition.firstboot', `${file}?offset=${bootOf(source).offset}`], { stdio: 'ignore' });
    await refusedUnchanged(file, planFor({ hostname: 'x' }), 'NOT_FEDORA_IOT', /no ignition\.firstboot stamp/);
  });
});
