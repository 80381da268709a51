/**
 * A field tech's table that gives addresses but no gateway or DNS server, completed from the
 * command line as the app's "Gateway for these rows" completes it: `--gateway` and `--dns` with
 * `--table` fill the rows without their own, a row's own value wins, and a gateway outside a row's
 * network is refused naming the line before anything is written. The cards' NetworkManager
 * keyfiles are read with NetworkManager's reader on GLib's GKeyFile.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fromDataUrl } from '../../../shared/provisioning';
import { debugfs } from '../../helpers/boot-partition';
import { nmReaderSkipReason, readNmKeyfile } from '../../helpers/device-readers';
import { createLoopDisk } from '../../helpers/loop';
import { provisionFixture } from '../../helpers/provision-fixture';
import { ED25519_KEY } from '../../helpers/ssh-keys';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const root = path.resolve(import.meta.dirname, '../../..');
const loopSkip = loopSkipReason() ?? commandsSkipReason('debugfs', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'xz') ?? nmReaderSkipReason() ?? false;
const WIRED = '/etc/NetworkManager/system-connections/wired-static.nmconnection';
let dir: string;

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-cli-reach-fill-'));
  // Pump 1 has nothing of its own; pump 2 has its own gateway and DNS server, which must stay.
  writeFileSync(path.join(dir, 'sites.csv'), 'hostname,ip,gateway,dns\r\npump-01,10.20.0.21/24,,\r\npump-02,10.20.0.22/24,10.20.0.254,10.20.0.53\r\n');
  // A second site on another network, in the same table, with no gateway of its own.
  writeFileSync(path.join(dir, 'two-sites.csv'), 'hostname,ip\r\npump-01,10.20.0.21/24\r\nbarn-01,192.168.7.5/24\r\nbarn-02,192.168.7.6/24\r\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), ...args], {
    cwd: dir, encoding: 'utf8', input: '', timeout: 300_000, env: { ...process.env, FIOT_CONFIG_DIR: path.join(dir, 'config') },
  });
}

/** The wired keyfile a card's Ignition config writes, as bytes. */
function wiredKeyfile(configText: string): Buffer {
  const files = (JSON.parse(configText) as { storage?: { files?: Array<{ path: string; contents: { source: string } }> } }).storage?.files ?? [];
  const found = files.find((f) => f.path === WIRED);
  assert.ok(found, 'the card carries a wired keyfile');
  return Buffer.from(fromDataUrl(found.contents.source) ?? '', 'utf8');
}

describe('--gateway and --dns with --table', () => {
  it('fill the rows without their own on the written cards; a row\'s own gateway and DNS stay', { skip: loopSkip, timeout: 300_000 }, async () => {
    const source = await provisionFixture({ layout: 'mbr', xz: true });
    const boot = source.partitions.find((p) => p.label === 'boot')!;
    const cards = [createLoopDisk(source.size), createLoopDisk(source.size)];
    try {
      const run = cli(['flash', source.xzPath!, ...cards.flatMap((c) => ['--drive', c.device]), '--yes', '--user', 'core', '--ssh-key', ED25519_KEY,
        '--table', 'sites.csv', '--gateway', '10.20.0.1', '--dns', '10.20.0.1']);
      assert.equal(run.status, 0, run.stderr + run.stdout.slice(-2000));
      assert.doesNotMatch(run.stderr, /no gateway|no DNS server/, 'every row reaches beyond its subnet now: no warning');
      const [first, second] = cards.map((card) => readNmKeyfile(wiredKeyfile(debugfs(card.device, boot, 'cat /ignition/config.ign'))));
      assert.deepEqual([first!.addresses, first!.gateway, first!.dns], [['10.20.0.21/24'], '10.20.0.1', ['10.20.0.1']]);
      assert.deepEqual([second!.addresses, second!.gateway, second!.dns], [['10.20.0.22/24'], '10.20.0.254', ['10.20.0.53']], 'the row\'s own values win');
      assert.equal(typeof first!.glib.ipv4?.address1, 'string', `GLib reads the address key: ${JSON.stringify(first!.glib.ipv4)}`);
    } finally {
      for (const card of cards) card.dispose();
    }
  });

  it('a gateway outside a row\'s network is refused naming the lines, before anything is written', () => {
    const out = path.join(dir, 'never.img');
    const flash = cli(['flash', path.join(dir, 'no-such-image.raw.xz'), '--drive', out, '--yes', '--table', 'two-sites.csv', '--gateway', '10.20.0.1', '--dns', '10.20.0.1']);
    assert.equal(flash.status, 2, flash.stderr);
    assert.match(flash.stderr, /^Error: --gateway 10\.20\.0\.1 is not on the network of lines 3, 4 \(192\.168\.7\.0\/24\) in two-sites\.csv: a device reaches its gateway only on its own network\.$/m);
    assert.match(flash.stderr, /gateway of their own in the table's gateway column, or name the router of their network with --gateway \(often 192\.168\.7\.1/);
    assert.equal(existsSync(out), false, 'no image file made');

    const bench = cli(['bench', path.join(dir, 'no-such-image.raw.xz'), '--yes', '--table', 'two-sites.csv', '--gateway', '10.20.0.1']);
    assert.equal(bench.status, 2, 'a bench session refuses it before it starts');
    assert.match(bench.stderr, /not on the network of lines 3, 4 \(192\.168\.7\.0\/24\) in two-sites\.csv/);
  });

  it('a value that is no address is named by its flag, and without a table the flags still need --static-ip', () => {
    const prefixed = cli(['ignition', '--table', 'sites.csv', '--gateway', '10.20.0.1/24']);
    assert.equal(prefixed.status, 2);
    assert.match(prefixed.stderr, /^Error: --gateway 10\.20\.0\.1\/24: must be an IPv4 address/m);
    const dns = cli(['ignition', '--table', 'sites.csv', '--dns', 'router.local']);
    assert.equal(dns.status, 2);
    assert.match(dns.stderr, /^Error: --dns router\.local: must be an IPv4 address/m);
    const alone = cli(['ignition', '--hostname', 'pi', '--gateway', '10.20.0.1']);
    assert.equal(alone.status, 2);
    assert.match(alone.stderr, /--gateway and --dns need --static-ip ADDRESS\/PREFIX \(or --table FILE/);
  });
});
