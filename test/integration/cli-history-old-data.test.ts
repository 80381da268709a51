/**
 * The flash history keeps whether each card's old contents were discarded, as a field tech would
 * look it up later ("was this reused card wiped?"): a card written as usual, then again with
 * --no-discard, reads back from `history --json` as discarded and as kept (turned off), in the
 * human table as "old data erased" / "old data may remain in free space", and in the CSV.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HistoryEntry } from '../../shared/domain/history';
import { makeFixture, type Fixture } from '../fixtures/fixture';
import { resultLine } from '../helpers/cli-json';
import { createLoopDisk } from '../helpers/loop';
import { runCli } from '../helpers/run-cli';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';

const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'blkdiscard') ?? false;

describe('the history records whether a card’s old data was erased', { skip }, () => {
  let work: string;
  let fixture: Fixture;
  let env: Record<string, string>;

  before(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'fiot-cli-old-data-'));
    fixture = await makeFixture();
    env = { FIOT_CONFIG_DIR: path.join(work, 'config'), FIOT_CACHE_DIR: path.join(work, 'cache') };
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it('history --json, the table and the CSV say "erased" for the usual write and "may remain" after --no-discard', { timeout: 300_000 }, async () => {
    const card = createLoopDisk(fixture.size + 8 * MiB);
    try {
      for (const flags of [[], ['--no-discard']]) {
        const run = await runCli(['flash', fixture.path, '--drive', card.device, '--yes', '--json', ...flags], env);
        assert.equal(run.code, 0, run.stdout.slice(-1500) + run.stderr);
      }
      const listed = await runCli(['history', '--json'], env);
      const { entries } = resultLine<{ ok: boolean; entries: HistoryEntry[] }>(listed.stdout);
      // Newest first: the --no-discard write, then the usual one.
      assert.deepEqual(entries.map((e) => [e.device.path, e.result, e.oldData]), [
        [card.device, 'verified', { discarded: false, reason: 'turned-off' }],
        [card.device, 'verified', { discarded: true }],
      ]);

      const table = (await runCli(['history'], env)).stdout.split('\n');
      assert.match(table[0]!, /RESULT +OLD DATA +CHECK-IN/);
      assert.match(table[1]!, /verified +old data may remain in free space \(erasing was turned off\) +-$/);
      assert.match(table[2]!, /verified +old data erased +-$/);

      const csv = (await runCli(['history', '--csv'], env)).stdout.trim().split('\r\n');
      assert.match(csv[0]!, /,old_data$/);
      assert.deepEqual(csv.slice(1).map((row) => row.split(',').at(-1)), ['kept: turned-off', 'erased']);
    } finally {
      card.dispose();
    }
  });
});
