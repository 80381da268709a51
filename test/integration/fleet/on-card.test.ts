/**
 * The on-card command: `fiot-flash flash --on-card CMD` runs CMD after each card with the card's
 * device, serial, hostname, row and result in its environment; a command that fails is reported
 * on stderr and in the result, and the exit status is 1 though the cards are verified. The app's
 * setting: saved in the config folder by the desktop app, refused to a station's browser, and
 * run after each card a station writes.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCore } from '../../../electron/core/app-core';
import { loadConfig } from '../../../electron/core/config';
import type { HistoryEntry } from '../../../shared/domain/history';
import { resultLine } from '../../helpers/cli-json';
import { coreCalls } from '../../helpers/core-calls';
import { createLoopDisk } from '../../helpers/loop';
import { provisionFixture } from '../../helpers/provision-fixture';
import { runCli } from '../../helpers/run-cli';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const skip = loopSkipReason() ?? commandsSkipReason('debugfs', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy') ?? false;
let dir = '';

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-on-card-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Appends one line per run, from the environment the command was given. */
function recorder(out: string): string {
  return `printf '%s|%s|%s|%s|%s|%s|%s|%s\\n' "$FIOT_CARD" "$FIOT_DEVICE" "$FIOT_SERIAL" "$FIOT_HOSTNAME" "$FIOT_ROW" "$FIOT_TABLE_ROW" "$FIOT_LABEL" "$FIOT_RESULT" >> '${out}'`;
}

describe('the on-card command', { skip }, () => {
  it('runs after each card with its device, serial, hostname, row and result', { timeout: 180_000 }, async () => {
    const source = await provisionFixture({ layout: 'mbr' });
    const cards = [createLoopDisk(source.size, 'fiot-on-card-'), createLoopDisk(source.size, 'fiot-on-card-')];
    const configDir = path.join(dir, 'cli-config');
    const table = path.join(dir, 'site.csv');
    writeFileSync(table, 'hostname,label\nhook-a,Shelf 1\nhook-b,Shelf 2\n');
    const out = path.join(dir, 'hook.log');
    try {
      const base = ['flash', source.path, ...cards.flatMap((c) => ['--drive', c.device]), '--yes', '--user', 'core', '--password-hash', '$6$abcdefgh$' + 'x'.repeat(86), '--json'];
      const run = await runCli([...base, '--table', table, '--on-card', recorder(out)], { FIOT_CONFIG_DIR: configDir });
      assert.equal(run.code, 0, run.stderr + run.stdout.slice(-1500));
      assert.deepEqual(readFileSync(out, 'utf8').trim().split('\n'), [
        `1|${cards[0]!.device}|${cards[0]!.backingFile}|hook-a|2|1|Shelf 1|verified`,
        `2|${cards[1]!.device}|${cards[1]!.backingFile}|hook-b|3|2|Shelf 2|verified`,
      ]);
      const result = resultLine<{ ok: boolean; onCard: Array<{ ok: boolean; exitCode: number }> }>(run.stdout);
      assert.deepEqual(result.onCard.map((r) => [r.ok, r.exitCode]), [[true, 0], [true, 0]]);

      // A label printer that is off: the cards are verified, the failure is said and fails the run.
      const human = base.filter((arg) => arg !== '--json');
      const failing = await runCli([...human, '--hostname', 'again-{n}', '--on-card', 'echo "printer offline" >&2; exit 3'], { FIOT_CONFIG_DIR: configDir });
      assert.equal(failing.code, 1, failing.stderr);
      for (const card of cards) assert.match(failing.stderr, new RegExp(`✘ on-card command: The on-card command exited with status 3 for ${card.device}: printer offline`));
      assert.match(failing.stdout, new RegExp(`✔ ${cards[1]!.device}: written and verified as again-2`), 'the cards themselves are fine');
      const history = readFileSync(path.join(configDir, 'history.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as HistoryEntry);
      assert.equal(history.filter((e) => e.hostname?.startsWith('again-') && e.result === 'verified').length, 2, 'the history has the cards');

      const scripted = await runCli([...base, '--hostname', 'third-{n}', '--on-card', 'exit 4'], { FIOT_CONFIG_DIR: configDir });
      const failed = resultLine<{ ok: boolean; error: { code: string; message: string }; onCard: Array<{ ok: boolean }> }>(scripted.stdout);
      assert.equal(scripted.code, 1);
      assert.deepEqual([failed.ok, failed.error.code, failed.onCard.map((r) => r.ok)], [false, 'ON_CARD_FAILED', [false, false]]);
      assert.match(failed.error.message, /exited with status 4/);

      const empty = await runCli([...base, '--on-card', '  '], { FIOT_CONFIG_DIR: configDir });
      assert.equal(empty.code, 2, empty.stderr);
    } finally {
      for (const card of cards) card.dispose();
    }
  });

  it('the app’s setting: the desktop app saves it, a station refuses to, and a station’s job runs it', { timeout: 120_000 }, async () => {
    const config = { ...loadConfig({}), configDir: path.join(dir, 'app-config'), cacheDir: path.join(dir, 'app-cache') };
    const desktop = coreCalls(() => desktopCore);
    const desktopCore = createCore(config, { onCardEditable: true });
    const stationCore = createCore(config, { imageFolders: [dir] });
    const station = coreCalls(() => stationCore);
    const out = path.join(dir, 'station-hook.log');

    assert.deepEqual(await station.call('on-card:get', {}), { command: null, editable: false });
    await assert.rejects(station.call('on-card:set', { command: 'touch /tmp/never' }), /PERMISSION_DENIED/);
    assert.equal(existsSync(path.join(config.configDir, 'on-card.json')), false);
    assert.deepEqual(await desktop.call('on-card:set', { command: recorder(out) }), { command: recorder(out), editable: true });

    const image = path.join(dir, 'plain.raw');
    writeFileSync(image, Buffer.alloc(1024 * 1024, 7));
    const card = createLoopDisk(4 * 1024 * 1024, 'fiot-on-card-station-');
    try {
      await station.call('drives:resolve', { path: card.device });
      const { jobId } = await station.call<{ jobId: string }>('flash:start', { source: image, targets: [card.device] });
      const result = await station.flashDone(jobId);
      assert.equal(result.ok, true, JSON.stringify(result.targets));
      assert.deepEqual(result.onCard?.map((r) => r.ok), [true]);
      assert.equal(readFileSync(out, 'utf8'), `1|${card.device}|${card.backingFile}|||||verified\n`);

      // A command that cannot run is in the result the app shows, not lost.
      await desktop.call('on-card:set', { command: 'exit 9' });
      const again = await station.call<{ jobId: string }>('flash:start', { source: image, targets: [card.device] });
      const reported = await station.flashDone(again.jobId);
      assert.equal(reported.ok, true);
      assert.deepEqual(reported.onCard?.map((r) => [r.ok, r.exitCode]), [[false, 9]]);
      assert.match(reported.onCard![0]!.message, /exited with status 9/);
    } finally {
      card.dispose();
    }
  });
});
