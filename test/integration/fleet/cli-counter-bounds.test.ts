/**
 * The hostname counter stays a counter: `--counter-start` past the largest card number (where a
 * number would stop counting by ones and two cards could share a name), and a series.json whose
 * `next` is not a whole number in range, are refused by `fiot-flash flash` with the reason, before
 * a byte reaches either loop device, and the series file is left as it was.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { COUNTER_MAX } from '../../../shared/provisioning';
import type { Fixture } from '../../fixtures/fixture';
import { resultLine } from '../../helpers/cli-json';
import { createLoopDisk } from '../../helpers/loop';
import { provisionFixture } from '../../helpers/provision-fixture';
import { runCli } from '../../helpers/run-cli';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const skip = loopSkipReason() ?? commandsSkipReason('debugfs', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy') ?? false;
const PATTERN = 'sensor-{n}';

describe('fiot-flash flash: the hostname counter is bounded', { skip }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-counter-bounds-'));
  let source: Fixture;
  let cards: Array<ReturnType<typeof createLoopDisk>> = [];

  before(async () => {
    source = await provisionFixture({ layout: 'mbr' });
    cards = [createLoopDisk(source.size), createLoopDisk(source.size)];
  });
  after(() => {
    for (const card of cards) card.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  async function flash(configDir: string, extra: string[] = []) {
    const drives = cards.flatMap((card) => ['--drive', card.device]);
    return runCli(['flash', source.path, ...drives, '--yes', '--hostname', PATTERN, ...extra, '--json'], { FIOT_CONFIG_DIR: configDir, FIOT_CACHE_DIR: path.join(dir, 'cache') });
  }

  function assertNothingWritten(): void {
    for (const card of cards) assert.equal(card.sectorsWritten(), 0, `${card.device} was not written`);
  }

  it('refuses --counter-start 9007199254740991 (two cards would get the same name)', async () => {
    for (const start of ['9007199254740991', String(COUNTER_MAX + 1)]) {
      const run = await flash(path.join(dir, `start-${start}`), ['--counter-start', start]);
      assert.equal(run.code, 2, run.stdout + run.stderr);
      const { error } = resultLine(run.stdout);
      assert.equal(error?.code, 'USAGE');
      assert.match(error?.message ?? '', new RegExp(`--counter-start takes a number from 0 to ${COUNTER_MAX}`));
    }
    assertNothingWritten();
  });

  it('refuses a series that would run past the largest number with the cards of this run', async () => {
    const run = await flash(path.join(dir, 'last-number'), ['--counter-start', String(COUNTER_MAX)]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const { error } = resultLine(run.stdout);
    assert.equal(error?.code, 'INVALID_INPUT');
    assert.match(error?.message ?? '', /would pass 999999999 .* with 2 more cards; nothing was written/);
    assertNothingWritten();
  });

  for (const next of ['"5x"', '-3', '1.5', '1e21']) {
    it(`refuses a series.json whose next is ${next}, and leaves the file as it was`, async () => {
      const configDir = path.join(dir, `series-${next.replace(/\W/g, '_')}`);
      mkdirSync(configDir, { mode: 0o700 });
      const seriesFile = path.join(configDir, 'series.json');
      const text = `{"format":"fiot-series/1","patterns":{"${PATTERN}":{"next":${next},"updatedAt":"2026-12-06T00:00:00.000Z"}}}\n`;
      writeFileSync(seriesFile, text, { mode: 0o600 });
      const run = await flash(configDir);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      const { error } = resultLine(run.stdout);
      assert.equal(error?.code, 'CONFIG_DAMAGED', JSON.stringify(error));
      assert.match(error?.message ?? '', /series\.json is damaged \(patterns\.sensor-\{n\}\.next: .+\); nothing was changed\./);
      assert.equal(readFileSync(seriesFile, 'utf8'), text);
      assertNothingWritten();
    });
  }
});
