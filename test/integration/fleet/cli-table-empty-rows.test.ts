/**
 * A table saved from Excel, on real loop devices: the `,,` lines a spreadsheet leaves at the end
 * are not devices. `flash` says once that they were skipped, and with one real row for three cards
 * refuses before writing (it used to write two cards with no hostname and no IP, verified, exit 0).
 * Two identical rows are two cards: writing the first does not mark the second used.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fromDataUrl } from '../../../shared/provisioning';
import { debugfs } from '../../helpers/boot-partition';
import { jsonLines, resultLine } from '../../helpers/cli-json';
import { createLoopDisk } from '../../helpers/loop';
import { provisionFixture } from '../../helpers/provision-fixture';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const root = path.resolve(import.meta.dirname, '../../..');
const skip = loopSkipReason() ?? commandsSkipReason('debugfs', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy') ?? false;
let dir: string;

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-empty-rows-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], configDir: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), ...args], {
    cwd: dir, encoding: 'utf8', input: '', timeout: 300_000, env: { ...process.env, FIOT_CONFIG_DIR: configDir },
  });
}

describe('fiot-flash flash --table with the empty rows a spreadsheet leaves', { skip }, () => {
  it('skips them, says so once, and refuses three cards for the one real row before writing', async () => {
    const source = await provisionFixture({ layout: 'mbr' });
    const table = path.join(dir, 'excel.csv');
    writeFileSync(table, 'hostname,ip,label\r\nsite-x-01,10.20.0.31/24,Shelf 1\r\n,,\r\n,,\r\n');
    const cards = [createLoopDisk(source.size), createLoopDisk(source.size), createLoopDisk(source.size)];
    try {
      const run = cli(['flash', source.path, ...cards.flatMap((c) => ['--drive', c.device]), '--user', 'tech', '--table', table, '--yes'], path.join(dir, 'config-1'));
      assert.equal(run.status, 1, run.stdout + run.stderr);
      assert.equal((run.stdout + run.stderr).match(/2 empty rows skipped \(lines 3, 4\)\./g)?.length, 1, `said once:\n${run.stdout}${run.stderr}`);
      assert.match(run.stderr, /The device table has 1 unused row for 3 cards\./);
      for (const card of cards) assert.equal(card.sectorsWritten(), 0, `${card.device} is not written`);
    } finally {
      for (const card of cards) card.dispose();
    }
  });

  it('gives two identical rows to two cards, one run after the other', async () => {
    const source = await provisionFixture({ layout: 'mbr' });
    const boot = source.partitions.find((p) => p.label === 'boot')!;
    const table = path.join(dir, 'spares.csv');
    writeFileSync(table, 'label,site\nspare,north\nspare,north\n');
    const configDir = path.join(dir, 'config-2');
    const card = createLoopDisk(source.size);
    try {
      let lastName = '';
      for (const line of [2, 3]) {
        const run = cli(['flash', source.path, '--drive', card.device, '--user', 'tech', '--hostname', 'spare-{n}', '--table', table, '--yes', '--json'], configDir);
        assert.equal(run.status, 0, run.stdout.slice(-2000) + run.stderr);
        const plan = jsonLines(run.stdout).find((l) => l.type === 'plan') as { cards: Array<{ tableLine: number; hostname: string }> };
        assert.equal(plan.cards[0]!.tableLine, line, 'the next identical row is still unused');
        lastName = plan.cards[0]!.hostname;
        assert.equal(resultLine(run.stdout).ok, true);
      }
      const config = JSON.parse(debugfs(card.device, boot, 'cat /ignition/config.ign')) as { storage: { files: Array<{ path: string; contents: { source: string } }> } };
      assert.equal(fromDataUrl(config.storage.files.find((f) => f.path === '/etc/hostname')!.contents.source), `${lastName}\n`, 'the card holds the name the second row got');
      const third = cli(['flash', source.path, '--drive', card.device, '--user', 'tech', '--hostname', 'spare-{n}', '--table', table, '--yes', '--json'], configDir);
      assert.equal(third.status, 1, 'both rows are used now');
      assert.equal(resultLine(third.stdout).error?.code, 'TABLE_EXHAUSTED');
    } finally {
      card.dispose();
    }
  });
});
