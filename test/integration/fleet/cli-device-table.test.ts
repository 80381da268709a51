/**
 * A field tech's spreadsheet from the terminal, as they would report it: a table whose addresses
 * lack "/24" (as Excel exports them) is one error naming the rows and the flag that fixes them
 * (--ip-prefix 24), and with it the cards carry the /24 addresses; `ignition --table` prints a
 * chosen row's config or saves one per row; fixed addresses without a gateway or DNS server are
 * a warning (stderr and --json), never silent and never an error.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fromDataUrl } from '../../../shared/provisioning';
import { debugfs } from '../../helpers/boot-partition';
import { jsonLines, resultLine } from '../../helpers/cli-json';
import { assertIgnitionValid } from '../../helpers/ignition-validate';
import { createLoopDisk } from '../../helpers/loop';
import { provisionFixture } from '../../helpers/provision-fixture';
import { ED25519_KEY } from '../../helpers/ssh-keys';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const root = path.resolve(import.meta.dirname, '../../..');
const loopSkip = loopSkipReason() ?? commandsSkipReason('debugfs', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'xz') ?? false;
const validateSkip = commandsSkipReason('ignition-validate') ?? false;
const WIRED = '/etc/NetworkManager/system-connections/wired-static.nmconnection';
let dir: string;
let sites: string;

/** Twelve pumps, addresses as a spreadsheet exports them: no prefix, no gateway, no DNS. */
const pumps = Array.from({ length: 12 }, (_, i) => [`site-pump-${String(i + 1).padStart(2, '0')}`, `192.168.1.${21 + i}`] as const);

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-cli-table-'));
  sites = path.join(dir, 'sites.csv');
  writeFileSync(sites, ['hostname,ip', ...pumps.map((p) => p.join(','))].join('\r\n') + '\r\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], configDir = path.join(dir, 'config')): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), ...args], {
    cwd: dir, encoding: 'utf8', input: '', timeout: 300_000, env: { ...process.env, FIOT_CONFIG_DIR: configDir },
  });
}

type Config = { storage?: { files?: Array<{ path: string; contents: { source: string } }> } };

/** A file the config writes, decoded. */
function fileIn(configText: string, file: string): string | undefined {
  const found = (JSON.parse(configText) as Config).storage?.files?.find((f) => f.path === file);
  return found ? (fromDataUrl(found.contents.source) ?? undefined) : undefined;
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

describe('a table whose addresses lack the network size', () => {
  it('is one error naming the rows and --ip-prefix 24, before anything is read or written', () => {
    const out = path.join(dir, 'never.img');
    const run = cli(['flash', path.join(dir, 'no-such-image.raw.xz'), '--drive', out, '--yes', '--table', 'sites.csv', '--user', 'core', '--ssh-key', ED25519_KEY]);
    assert.equal(run.status, 2, run.stderr);
    assert.equal(occurrences(run.stderr, 'Error:'), 1);
    assert.equal(occurrences(run.stderr, 'must be an IPv4 address'), 1, `one line for the twelve rows:\n${run.stderr}`);
    assert.match(run.stderr, /^Error: --table sites\.csv: lines 2–13, column 2 \(ip\): must be an IPv4 address with a prefix length/m);
    assert.match(run.stderr, /12 rows give an address without the network's size .*: add --ip-prefix 24 to treat them as \/24 \(netmask 255\.255\.255\.0/);
    assert.equal(existsSync(out), false, 'no image file made');

    const json = cli(['ignition', '--table', 'sites.csv', '--json']);
    assert.equal(json.status, 2);
    const error = resultLine(json.stdout).error as { code: string; message: string; hint: string };
    assert.equal(error.code, 'USAGE');
    assert.match(error.hint, /add --ip-prefix 24/);

    const bench = cli(['bench', path.join(dir, 'no-such-image.raw.xz'), '--yes', '--table', 'sites.csv']);
    assert.equal(bench.status, 2, 'a bench session refuses the table before it starts');
    assert.match(bench.stderr, /lines 2–13, column 2 \(ip\)[^]*--ip-prefix 24/);

    const bad = cli(['ignition', '--table', 'sites.csv', '--ip-prefix', '255.255.255.0']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--ip-prefix takes the network's size as a number from 1 to 32, e\.g\. --ip-prefix 24/);
  });

  it('with --ip-prefix 24 each card carries its row\'s address as /24, and the missing gateway and DNS are warned about', { skip: loopSkip, timeout: 300_000 }, async () => {
    const source = await provisionFixture({ layout: 'mbr', xz: true });
    const boot = source.partitions.find((p) => p.label === 'boot')!;
    const cards = [createLoopDisk(source.size), createLoopDisk(source.size)];
    try {
      const run = cli(['flash', source.xzPath!, ...cards.flatMap((c) => ['--drive', c.device]), '--yes', '--user', 'core', '--ssh-key', ED25519_KEY, '--table', sites, '--ip-prefix', '24', '--json'], path.join(dir, 'flash-config'));
      assert.equal(run.status, 0, run.stderr + run.stdout.slice(-2000));
      cards.forEach((card, i) => {
        const text = debugfs(card.device, boot, 'cat /ignition/config.ign');
        assert.equal(fileIn(text, '/etc/hostname'), `${pumps[i]![0]}\n`);
        assert.match(fileIn(text, WIRED) ?? '', new RegExp(`^address1=${pumps[i]![1].replace(/\./g, '\\.')}/24$`, 'm'));
      });
      const warnings = jsonLines(run.stdout).filter((line) => line.type === 'warning' && line.missing);
      assert.equal(warnings.length, 1, 'one warning for the twelve rows');
      assert.deepEqual(warnings[0]!.missing, ['gateway', 'dns']);
      assert.deepEqual(warnings[0]!.lines, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
      assert.match(String(warnings[0]!.message), /lines 2–13 give an address but no gateway .* reach only addresses in 192\.168\.1\.0\/24 .* Add a gateway column .* and a dns column/);
    } finally {
      for (const card of cards) card.dispose();
    }
  });
});

describe('fiot-flash ignition --table', { skip: validateSkip }, () => {
  it('prints row 1 by default and --row 7 on request, each as flash would write it', () => {
    const first = cli(['ignition', '--table', 'sites.csv', '--ip-prefix', '24', '--user', 'core', '--ssh-key', ED25519_KEY]);
    assert.equal(first.status, 0, first.stderr);
    assertIgnitionValid(first.stdout);
    assert.equal(fileIn(first.stdout, '/etc/hostname'), 'site-pump-01\n');
    assert.match(first.stderr, /^Row 1 of 12 \(line 2 of sites\.csv\): site-pump-01\. --row N prints another row's config; --output DIR saves one per row\.$/m);

    const seventh = cli(['ignition', '--table', 'sites.csv', '--ip-prefix', '24', '--row', '7', '--user', 'core', '--ssh-key', ED25519_KEY, '--json']);
    assert.equal(seventh.status, 0, seventh.stderr);
    const result = resultLine(seventh.stdout) as unknown as { row: number; line: number; hostname: string; config: Config };
    assert.deepEqual([result.row, result.line, result.hostname], [7, 8, 'site-pump-07']);
    const config = JSON.stringify(result.config);
    assertIgnitionValid(config);
    assert.match(fileIn(config, WIRED) ?? '', /^address1=192\.168\.1\.27\/24$/m);

    const beyond = cli(['ignition', '--table', 'sites.csv', '--ip-prefix', '24', '--row', '13']);
    assert.equal(beyond.status, 2);
    assert.match(beyond.stderr, /--row 13: sites\.csv has 12 rows of devices, so --row takes 1 to 12/);
    assert.doesNotMatch(beyond.stderr, /Warning/, 'the row is checked before anything else is said');
    const alone = cli(['ignition', '--hostname', 'pi', '--row', '2']);
    assert.equal(alone.status, 2);
    assert.match(alone.stderr, /--row and --output pick rows of a device table: add --table FILE/);
  });

  it('--output DIR saves one config per row, named by row and hostname, readable by the owner only', () => {
    const folder = path.join(dir, 'configs');
    const run = cli(['ignition', '--table', 'sites.csv', '--ip-prefix', '24', '--user', 'core', '--ssh-key', ED25519_KEY, '--output', folder]);
    assert.equal(run.status, 0, run.stderr);
    const names = readdirSync(folder).sort();
    assert.deepEqual(names, pumps.map(([hostname], i) => `${String(i + 1).padStart(2, '0')}-${hostname}.ign`));
    assert.equal(statSync(folder).mode & 0o777, 0o700);
    for (const [i, name] of names.entries()) {
      const file = path.join(folder, name);
      assert.equal(statSync(file).mode & 0o777, 0o600, `${name} holds secrets: the owner's only`);
      const text = readFileSync(file, 'utf8');
      assertIgnitionValid(text);
      assert.equal(fileIn(text, '/etc/hostname'), `${pumps[i]![0]}\n`);
      assert.match(fileIn(text, WIRED) ?? '', new RegExp(`^address1=${pumps[i]![1].replace(/\./g, '\\.')}/24$`, 'm'));
    }
    assert.match(run.stdout, /^Saved 12 configs into .*configs, one per card:$/m);
    assert.match(run.stdout, /^ {2}07-site-pump-07\.ign {2}← Row 7 of 12 \(line 8 of sites\.csv\): site-pump-07$/m);
  });
});

describe('a fixed address without a gateway or DNS server', { skip: validateSkip }, () => {
  it('is written, with a warning on stderr and in --json that says what the device cannot reach and which flags give it', () => {
    const run = cli(['ignition', '--hostname', 'greenhouse', '--static-ip', '10.20.0.50/16']);
    assert.equal(run.status, 0, run.stderr);
    assertIgnitionValid(run.stdout);
    assert.match(run.stderr, /^Warning: The fixed address 10\.20\.0\.50\/16 has no gateway \(the router to other networks\) and no DNS server \(which looks up names\): the device will reach only addresses in 10\.20\.0\.0\/16 .* Add --gateway ADDRESS .* and --dns ADDRESS\.$/m);

    const json = cli(['ignition', '--hostname', 'greenhouse', '--static-ip', '10.20.0.50/16', '--gateway', '10.20.0.1', '--json']);
    const warning = jsonLines(json.stdout).find((line) => line.type === 'warning');
    assert.deepEqual(warning?.missing, ['dns']);
    assert.match(String(warning?.message), /has no DNS server .* Add --dns ADDRESS\.$/);
    assert.equal(resultLine(json.stdout).ok, true);

    const complete = cli(['ignition', '--hostname', 'greenhouse', '--static-ip', '10.20.0.50/16', '--gateway', '10.20.0.1', '--dns', '10.20.0.1']);
    assert.equal(complete.status, 0);
    assert.doesNotMatch(complete.stderr, /Warning/);
  });

  it('a bare --static-ip names --ip-prefix; with it the address gets the prefix', () => {
    const bare = cli(['ignition', '--hostname', 'greenhouse', '--static-ip', '10.20.0.50', '--gateway', '10.20.0.1', '--dns', '10.20.0.1']);
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /--static-ip 10\.20\.0\.50 has no network size .*: write 10\.20\.0\.50\/24, or add --ip-prefix 24/);
    const fixed = cli(['ignition', '--hostname', 'greenhouse', '--static-ip', '10.20.0.50', '--ip-prefix', '16', '--gateway', '10.20.0.1', '--dns', '10.20.0.1']);
    assert.equal(fixed.status, 0, fixed.stderr);
    assert.match(fileIn(fixed.stdout, WIRED) ?? '', /^address1=10\.20\.0\.50\/16,10\.20\.0\.1$/m);
  });
});
