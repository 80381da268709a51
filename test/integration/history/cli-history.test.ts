/**
 * The flash history end to end: real `fiot-flash flash` runs to loop devices, then
 * `fiot-flash history --json / --csv` show what went where, and what failed.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HistoryEntry } from '../../../shared/domain/history';
import { createLoopDisk } from '../../helpers/loop';
import { provisionFixture } from '../../helpers/provision-fixture';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';
import { resultLine } from '../../helpers/cli-json';

const root = path.resolve(import.meta.dirname, '../../..');
const fixtureTools = commandsSkipReason('debugfs', 'e2fsck', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'openssl', 'xz');
const PASSWORD_HASH = '$6$historysalt$Wq0zXKm1v3Yb8bq3yq9nq0Wv6c3b1b2b3b4b5b6b7b8b9c0c1c2c3c4c5c6c7c8c9d0d1d2d3d4d5d6d7d8d9e0';
const WIFI_PSK = 'correct horse battery staple';
let dir: string;
let env: NodeJS.ProcessEnv;

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-history-'));
  env = { ...process.env, FIOT_CONFIG_DIR: path.join(dir, 'config'), FIOT_CACHE_DIR: path.join(dir, 'cache') };
});
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), ...args], { cwd: dir, env, encoding: 'utf8', input: '', timeout: 180_000 });
}

const lastJson = (stdout: string) => resultLine(stdout);

function historyEntries(): HistoryEntry[] {
  const run = cli(['history', '--json']);
  assert.equal(run.status, 0, run.stderr);
  return lastJson(run.stdout).entries as HistoryEntry[];
}

/** A minimal RFC 4180 reader, enough to check the export the way a spreadsheet would split it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (quoted) {
      if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      endField();
    } else if (c === '\r' && text[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else {
      field += c;
    }
  }
  return rows;
}

describe('fiot-flash history after real flashes', { skip: loopSkipReason() ?? fixtureTools ?? false }, () => {
  it('lists two provisioned cards with their devices, hostnames and verification, without secrets', async () => {
    const source = await provisionFixture({ layout: 'mbr' });
    const cards = [createLoopDisk(source.size), createLoopDisk(source.size)];
    const pskFile = path.join(dir, 'psk');
    writeFileSync(pskFile, WIFI_PSK);
    try {
      const flash = cli(['flash', source.path, '--drive', cards[0]!.device, '--drive', cards[1]!.device, '--yes', '--json',
        '--hostname', 'fleet-{n:03}', '--user', 'core', '--password-hash', PASSWORD_HASH, '--wifi-ssid', 'shopfloor', '--wifi-psk-file', pskFile]);
      assert.equal(flash.status, 0, flash.stderr + flash.stdout.slice(-2000));
      assert.doesNotMatch(flash.stderr, /history could not be written/);

      const entries = historyEntries();
      assert.equal(entries.length, 2);
      const byDevice = new Map(entries.map((e) => [e.device.path, e]));
      for (const [i, card] of cards.entries()) {
        const entry = byDevice.get(card.device);
        assert.ok(entry, `history names ${card.device}`);
        assert.equal(entry.hostname, `fleet-00${i + 1}`);
        assert.equal(entry.result, 'verified');
        assert.equal(entry.card, i + 1);
        assert.equal(entry.source.given, source.path);
        assert.equal(entry.imageSize, source.size);
        assert.equal(entry.device.kind, 'loop');
        assert.deepEqual(entry.provisioning, { mode: 'config', users: ['core'] });
        assert.match(entry.writtenSha256 ?? '', /^[0-9a-f]{64}$/);
      }
      const raw = readFileSync(path.join(dir, 'config', 'history.jsonl'), 'utf8');
      assert.ok(!raw.includes(PASSWORD_HASH) && !raw.includes('historysalt'), 'no password hash in the log');
      assert.ok(!raw.includes(WIFI_PSK), 'no Wi-Fi passphrase in the log');

      const csv = cli(['history', '--csv']);
      assert.equal(csv.status, 0, csv.stderr);
      const [header, ...rows] = parseCsv(csv.stdout);
      assert.equal(rows.length, 2);
      const column = (name: string) => header!.indexOf(name);
      assert.deepEqual(rows.map((r) => [r[column('device')], r[column('hostname')], r[column('result')]]).sort(),
        [[cards[0]!.device, 'fleet-001', 'verified'], [cards[1]!.device, 'fleet-002', 'verified']].sort());

      const table = cli(['history']);
      assert.equal(table.status, 0, table.stderr);
      assert.match(table.stdout, new RegExp(`fleet-001\\s+${cards[0]!.device}\\s+${path.basename(source.path)}\\s+verified`));
    } finally {
      for (const card of cards) card.dispose();
    }
  });

  it('records a corrupt .xz as failed with its error, and --limit keeps the newest', async () => {
    const source = await provisionFixture({ layout: 'mbr', xz: true });
    const corrupt = path.join(dir, 'damaged.raw.xz');
    copyFileSync(source.xzPath!, corrupt);
    // Damaged inside a compressed block: the xz index still reads, so the writer starts and the
    // decoder's check fails mid-write (a truncated file is refused before any flash job starts).
    const fd = openSync(corrupt, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, Math.floor(statSync(corrupt).size * 0.4));
    closeSync(fd);
    const card = createLoopDisk(source.size);
    try {
      const flash = cli(['flash', corrupt, '--drive', card.device, '--yes', '--json']);
      assert.equal(flash.status, 1, flash.stdout);
      assert.ok(card.sectorsWritten() > 0, 'the job got as far as writing');
      assert.doesNotMatch(flash.stderr, /history could not be written/);
      const code = (lastJson(flash.stdout).error as { code: string }).code;

      const [newest] = historyEntries();
      assert.equal(newest?.device.path, card.device);
      assert.equal(newest?.result, 'failed');
      assert.equal(newest?.error?.code, code);
      assert.equal(newest?.source.given, corrupt);

      const limited = cli(['history', '--json', '--limit', '1']);
      assert.deepEqual((lastJson(limited.stdout).entries as HistoryEntry[]).map((e) => e.device.path), [card.device]);
      assert.match(cli(['history']).stdout, /FAILED \(/);
    } finally {
      card.dispose();
    }
  });
});
