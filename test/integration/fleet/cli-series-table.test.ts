/**
 * A fleet day from the terminal, on real loop devices: a --hostname series that continues across
 * runs, a CSV table whose rows go to the cards in order (each read back from the card's boot
 * partition and checked with ignition-validate), and the batch record with each card's serial,
 * hostname, image hash and config hash, exported without a secret.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HistoryEntry } from '../../../shared/domain/history';
import { fromDataUrl } from '../../../shared/provisioning';
import { debugfs } from '../../helpers/boot-partition';
import { jsonLines, resultLine } from '../../helpers/cli-json';
import { createLoopDisk } from '../../helpers/loop';
import { provisionFixture } from '../../helpers/provision-fixture';
import { commandsSkipReason, hasCommand, loopSkipReason } from '../../helpers/system';

const root = path.resolve(import.meta.dirname, '../../..');
const skip = loopSkipReason() ?? commandsSkipReason('debugfs', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'xz') ?? false;
const PASSWORD_HASH = '$6$fleetsalt$' + 'x'.repeat(86);
let dir: string;

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-fleet-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], configDir: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), ...args], {
    cwd: dir, encoding: 'utf8', input: '', timeout: 300_000, env: { ...process.env, FIOT_CONFIG_DIR: configDir },
  });
}

type Config = { storage?: { files?: Array<{ path: string; contents: { source: string } }> }; kernelArguments?: { shouldExist: string[] } };

function cardConfig(device: string, boot: { offset: number; size: number }): { text: string; config: Config; file(p: string): string | undefined } {
  const text = debugfs(device, boot, 'cat /ignition/config.ign');
  const config = JSON.parse(text) as Config;
  const file = (p: string) => {
    const found = config.storage?.files?.find((f) => f.path === p);
    return found ? (fromDataUrl(found.contents.source) ?? undefined) : undefined;
  };
  if (hasCommand('ignition-validate')) assert.equal(spawnSync('ignition-validate', ['-'], { input: text }).status, 0, `ignition-validate accepts the config on ${device}`);
  return { text, config, file };
}

describe('fiot-flash flash: hostname series across runs', { skip }, () => {
  it('writes sensor-001/002, then sensor-003/004; --counter-start sets the series; a repeated name needs a yes', async () => {
    const source = await provisionFixture({ layout: 'mbr', xz: true });
    const boot = source.partitions.find((p) => p.label === 'boot')!;
    const configDir = path.join(dir, 'series-config');
    const cards = [createLoopDisk(source.size), createLoopDisk(source.size)];
    try {
      const drives = cards.flatMap((card) => ['--drive', card.device]);
      for (const expected of [['sensor-001', 'sensor-002'], ['sensor-003', 'sensor-004']]) {
        const run = cli(['flash', source.xzPath!, ...drives, '--yes', '--hostname', 'sensor-{n:03}', '--json'], configDir);
        assert.equal(run.status, 0, run.stderr + run.stdout.slice(-2000));
        const plan = jsonLines(run.stdout).find((line) => line.type === 'plan') as { cards: Array<{ hostname: string; device: string }> };
        assert.deepEqual(plan.cards.map((c) => [c.device, c.hostname]), cards.map((card, i) => [card.device, expected[i]]));
        cards.forEach((card, i) => assert.equal(cardConfig(card.device, boot).file('/etc/hostname'), `${expected[i]}\n`));
      }

      const reset = cli(['flash', source.xzPath!, '--drive', cards[0]!.device, '--yes', '--hostname', 'sensor-{n:03}', '--counter-start', '10', '--json'], configDir);
      assert.equal(reset.status, 0, reset.stderr);
      assert.equal(cardConfig(cards[0]!.device, boot).file('/etc/hostname'), 'sensor-010\n');
      const series = JSON.parse(readFileSync(path.join(configDir, 'series.json'), 'utf8')) as { patterns: Record<string, { next: number }> };
      assert.equal(series.patterns['sensor-{n:03}']?.next, 11);

      // sensor-003 went onto cards[0]: the same card (its serial, model and size) written with it
      // again is that device replacing itself, not a second device with its name: no warning.
      const itself = cli(['flash', source.xzPath!, '--drive', cards[0]!.device, '--yes', '--hostname', 'sensor-{n:03}', '--counter-start', '3', '--json'], configDir);
      assert.equal(itself.status, 0, itself.stderr);
      assert.equal(jsonLines(itself.stdout).find((line) => line.code === 'DUPLICATE_HOSTNAME'), undefined, 'no warning for the card that holds the name');
      assert.doesNotMatch(itself.stderr, /already in the history/);
      assert.equal(cardConfig(cards[0]!.device, boot).file('/etc/hostname'), 'sensor-003\n');

      // sensor-001 is on a verified card already (cards[0]), and this is another one: without a yes (no terminal here) nothing is written.
      const sectorsBefore = cards[1]!.sectorsWritten();
      const repeat = cli(['flash', source.xzPath!, '--drive', cards[1]!.device, '--hostname', 'sensor-{n:03}', '--counter-start', '1', '--json'], configDir);
      assert.equal(repeat.status, 1);
      const warning = jsonLines(repeat.stdout).find((line) => line.code === 'DUPLICATE_HOSTNAME') as { message: string } | undefined;
      assert.match(warning?.message ?? '', /“sensor-001” is already in the history/);
      assert.equal(resultLine(repeat.stdout).error?.code, 'NOT_CONFIRMED');
      assert.equal(cards[1]!.sectorsWritten(), sectorsBefore, 'nothing written without the yes');
    } finally {
      for (const card of cards) card.dispose();
    }
  });
});

describe('fiot-flash flash --table', { skip }, () => {
  it('gives each card its row, marks rows used, and records the batch', async () => {
    const source = await provisionFixture({ layout: 'mbr', xz: true });
    const boot = source.partitions.find((p) => p.label === 'boot')!;
    const configDir = path.join(dir, 'table-config');
    const table = path.join(dir, 'devices.csv');
    writeFileSync(table, [
      'hostname,ip,gateway,kernel_args,label,site',
      'pump-north,10.0.0.11/24,10.0.0.1,console=ttyS0,"Shelf 2, left",north',
      'pump-south,10.0.0.12/24,10.0.0.1,,"Say ""hi""",south',
      'pump-east,10.0.0.13/24,10.0.0.1,quiet loglevel=3,east box,east',
      'pump-west,10.0.0.14/24,10.0.0.1,,west box,west',
      '',
    ].join('\r\n'));
    const profile = path.join(dir, 'fleet-profile.json');
    writeFileSync(profile, JSON.stringify({ users: [{ name: 'core', passwordHash: PASSWORD_HASH }], files: [{ path: '/etc/site', contents: 'site={site}\n' }] }));
    const cards = [createLoopDisk(source.size), createLoopDisk(source.size), createLoopDisk(source.size)];
    try {
      const run = cli(['flash', source.xzPath!, ...cards.flatMap((c) => ['--drive', c.device]), '--yes', '--profile', profile, '--table', table, '--json'], configDir);
      assert.equal(run.status, 0, run.stderr + run.stdout.slice(-2000));
      const rows = [['pump-north', '10.0.0.11/24', 'north', ['console=ttyS0']], ['pump-south', '10.0.0.12/24', 'south', undefined], ['pump-east', '10.0.0.13/24', 'east', ['quiet', 'loglevel=3']]] as const;
      const configHashes: string[] = [];
      cards.forEach((card, i) => {
        const [hostname, ip, site, kargs] = rows[i]!;
        const { text, config, file } = cardConfig(card.device, boot);
        assert.equal(file('/etc/hostname'), `${hostname}\n`);
        assert.equal(file('/etc/site'), `site=${site}\n`);
        assert.match(file('/etc/NetworkManager/system-connections/wired-static.nmconnection') ?? '', new RegExp(`address1=${ip.replace(/\./g, '\\.')},10\\.0\\.0\\.1`));
        assert.equal(config.kernelArguments, undefined, 'never Ignition kernelArguments');
        const options = /^options (.*)$/m.exec(debugfs(card.device, boot, 'cat /loader/entries/ostree-1-fedora-iot.conf'))?.[1]?.split(' ') ?? [];
        if (kargs) assert.deepEqual(options.slice(-kargs.length), kargs, 'the row\'s kernel arguments end the boot entry\'s options line');
        else assert.equal(options.at(-1), 'console=ttyS0,115200n8', 'a row without kernel arguments leaves the line as the image has it');
        assert.ok(options.includes('console=ttyS0,115200n8') && options.some((arg) => arg.startsWith('ostree=')), 'the image\'s own arguments stay');
        configHashes.push(createHash('sha256').update(text).digest('hex'));
      });

      const record = cli(['history', '--batch', 'last', '--json'], configDir);
      assert.equal(record.status, 0, record.stderr);
      const batch = resultLine(record.stdout) as unknown as { cards: HistoryEntry[] };
      assert.deepEqual(batch.cards.map((e) => [e.hostname, e.tableLine, e.label, e.device.serial, e.configSha256, e.result]), [
        ['pump-north', 2, 'Shelf 2, left', cards[0]!.backingFile, configHashes[0], 'verified'],
        ['pump-south', 3, 'Say "hi"', cards[1]!.backingFile, configHashes[1], 'verified'],
        ['pump-east', 4, 'east box', cards[2]!.backingFile, configHashes[2], 'verified'],
      ]);
      assert.ok(batch.cards.every((e) => /^[0-9a-f]{64}$/.test(e.source.sha256 ?? '')), 'each card names the image sha256');
      const html = cli(['history', '--batch', batch.cards[0]!.jobId, '--html'], configDir);
      assert.equal(html.status, 0, html.stderr);
      assert.match(html.stdout, /<td>pump-south<\/td><td>10\.0\.0\.12\/24<\/td><td>2 \(line 3\)<\/td><td>Say &#34;hi&#34;<\/td>/, 'hostname, IP, row and label, escaped');
      const csv = cli(['history', '--batch', 'last', '--csv'], configDir);
      assert.equal(csv.stdout.trim().split('\r\n').length, 4, 'a header and one line per card');
      for (const text of [record.stdout, html.stdout, csv.stdout, readFileSync(path.join(configDir, 'history.jsonl'), 'utf8')]) {
        assert.ok(!text.includes('fleetsalt'), 'no password hash in the record or its exports');
      }

      // The next run takes the one row left, then the table is used up and nothing is written.
      const next = cli(['flash', source.xzPath!, '--drive', cards[0]!.device, '--yes', '--profile', profile, '--table', table, '--json'], configDir);
      assert.equal(next.status, 0, next.stderr);
      assert.equal(cardConfig(cards[0]!.device, boot).file('/etc/hostname'), 'pump-west\n');
      const sectors = cards[1]!.sectorsWritten();
      const none = cli(['flash', source.xzPath!, '--drive', cards[1]!.device, '--yes', '--profile', profile, '--table', table, '--json'], configDir);
      assert.equal(none.status, 1);
      assert.equal(resultLine(none.stdout).error?.code, 'TABLE_EXHAUSTED');
      assert.equal(cards[1]!.sectorsWritten(), sectors);
    } finally {
      for (const card of cards) card.dispose();
    }
  });

  it('--dry-run prints which card gets which name and address, writes nothing, and exits 0', async () => {
    const source = await provisionFixture({ layout: 'mbr', xz: true });
    const table = path.join(dir, 'dry.csv');
    writeFileSync(table, 'hostname,ip,gateway\nsite-01,10.20.0.11/24,10.20.0.1\nsite-02,10.20.0.12/24,10.20.0.1\n');
    const cards = [createLoopDisk(source.size), createLoopDisk(source.size)];
    const configDir = path.join(dir, 'dry-config');
    try {
      const drives = cards.flatMap((card) => ['--drive', card.device]);
      const text = cli(['flash', source.xzPath!, ...drives, '--table', table, '--dry-run'], configDir);
      assert.equal(text.status, 0, text.stderr);
      assert.match(text.stdout, new RegExp(`Card 1: ${cards[0]!.device} → site-01, 10\\.20\\.0\\.11/24 from row 1 \\(line 2\\)`));
      assert.match(text.stdout, new RegExp(`Card 2: ${cards[1]!.device} → site-02, 10\\.20\\.0\\.12/24 from row 2 \\(line 3\\)`));
      assert.match(text.stdout, /Dry run: nothing was written/);
      const json = cli(['flash', source.xzPath!, ...drives, '--table', table, '--dry-run', '--json'], configDir);
      assert.equal(json.status, 0, json.stderr);
      const plan = jsonLines(json.stdout).find((line) => line.type === 'plan') as { cards: Array<{ hostname: string; ip: string }> } | undefined;
      assert.deepEqual(plan?.cards.map((c) => [c.hostname, c.ip]), [['site-01', '10.20.0.11/24'], ['site-02', '10.20.0.12/24']]);
      assert.equal(resultLine(json.stdout).ok, true);
      assert.deepEqual(cards.map((card) => card.sectorsWritten()), [0, 0]);
      // The rows were only looked at: a real run still starts at the first row.
      const real = cli(['flash', source.xzPath!, '--drive', cards[0]!.device, '--table', table, '--dry-run'], configDir);
      assert.match(real.stdout, /site-01/);
    } finally {
      for (const card of cards) card.dispose();
    }
  });

  it('refuses a bad table before writing, naming line and column', async () => {
    const source = await provisionFixture({ layout: 'mbr', xz: true });
    const table = path.join(dir, 'bad.csv');
    writeFileSync(table, 'hostname,ip\nok-1,10.0.0.5/24\nok-2,10.0.0.300/24\nbad_name,10.0.0.7/24\n');
    const card = createLoopDisk(source.size);
    try {
      const run = cli(['flash', source.xzPath!, '--drive', card.device, '--yes', '--table', table], path.join(dir, 'bad-config'));
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /--table \S*bad\.csv: line 3, column 2 \(ip\): must be an IPv4 address/);
      assert.match(run.stderr, /--table \S*bad\.csv: line 4, column 1 \(hostname\): “bad_name” may contain only/);
      assert.equal(card.sectorsWritten(), 0);
    } finally {
      card.dispose();
    }
  });
});

describe('fiot-flash flash: what was handed out could not be saved', { skip: skip || (commandsSkipReason('chattr') ?? false) }, () => {
  it('writes and verifies the card, then fails with STATE_NOT_SAVED and exit 1, never a silent warning', async () => {
    const source = await provisionFixture({ layout: 'mbr', xz: true });
    const boot = source.partitions.find((p) => p.label === 'boot')!;
    const configDir = mkdtempSync(path.join(dir, 'unsaved-'));
    // An immutable history file: it reads (empty), but appending the card's line fails, even as root.
    const history = path.join(configDir, 'history.jsonl');
    writeFileSync(history, '');
    spawnSync('chattr', ['+i', history]);
    const card = createLoopDisk(source.size);
    try {
      const run = cli(['flash', source.xzPath!, '--drive', card.device, '--yes', '--hostname', 'unsaved-1', '--json'], configDir);
      assert.equal(run.status, 1, run.stderr + run.stdout.slice(-2000));
      const result = resultLine(run.stdout) as { ok: boolean; error?: { code: string; message: string }; targets: Array<{ verified?: boolean }> };
      assert.equal(result.ok, false);
      assert.equal(result.error?.code, 'STATE_NOT_SAVED');
      assert.match(result.error?.message ?? '', /history/);
      assert.equal(result.targets[0]?.verified, true, 'the card itself was written and verified');
      assert.equal(cardConfig(card.device, boot).file('/etc/hostname'), 'unsaved-1\n');
    } finally {
      spawnSync('chattr', ['-i', history]);
      card.dispose();
    }
  });
});
