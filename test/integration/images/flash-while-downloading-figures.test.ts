/**
 * The figures a person reads while a card is written from a download that sets the pace, as
 * `fiot-flash flash <url>` shows them (a loopback server at a limited rate, the suite's Fedora-shaped
 * image, mostly free space the writer skips, so the image's own position races ahead of the download):
 *
 * - --json: the job's figure follows how far the writer read into the download, never ahead of
 *   the download and not far behind it; the time left is what the download still needs at its own
 *   speed (which the events carry); no verdict on the pace until the writer has watched a few seconds.
 * - On an 80-column terminal with two cards: every redrawn line fits the terminal, no word is cut,
 *   and the download's facts (how much arrived, the time left) are on the line.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeFixture, type Fixture } from '../../fixtures/fixture';
import { resultLine } from '../../helpers/cli-json';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { createLoopDisk } from '../../helpers/loop';
import { runCli } from '../../helpers/run-cli';
import { progressLines } from '../../helpers/streamed-progress';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';
import { answerOnTerminal } from '../../helpers/terminal';
import { tempImages, type TempImages } from './setup';

const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'blkid', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'xz', 'script') ?? false;
const MiB = 1024 * 1024;
const IMAGE = '/Fedora-IoT-figures.raw.xz';
const bin = path.resolve(import.meta.dirname, '../../../bin/fiot-flash.mjs');
/** ~3 MB/s: the download takes well over the few seconds the pace verdict waits, and the loop device is faster. */
const RATE = { bytes: 32 * 1024, ms: 10 };

let fixture: Fixture & { xzPath: string };
let sha256: string;
let server: ImageServer;
const temps: TempImages[] = [];

before(async () => {
  if (skip) return;
  const built = await makeFixture({ xz: 'osbuild', size: 160 * MiB, espMib: 32, bootMib: 32, rootFillMib: 24, seed: 21 });
  fixture = { ...built, xzPath: built.xzPath! };
  const xz = readFileSync(fixture.xzPath);
  sha256 = createHash('sha256').update(xz).digest('hex');
  server = await startImageServer({ [IMAGE]: xz });
  server.faults.throttle = RATE;
});
after(async () => {
  await server?.close();
  for (const temp of temps) temp.dispose();
});

function freshCache(): TempImages {
  const temp = tempImages();
  temps.push(temp);
  return temp;
}

interface FigureLine {
  phase: string;
  percent: number | null;
  etaSeconds: number | null;
  download?: { bytes: number; totalBytes: number | null; limitedBy: string; paceKnown?: boolean; read?: number; speed?: number };
}

test('--json: the figure and the time left follow the download that sets the pace; the verdict waits for the first seconds', { skip, timeout: 300_000 }, async () => {
  const temp = freshCache();
  const card = createLoopDisk(fixture.size + 8 * MiB, 'fiot-figures-card-');
  try {
    const run = await runCli(['flash', server.url(IMAGE), '--drive', card.device, '--sha256', sha256, '--yes', '--json'], { FIOT_CACHE_DIR: temp.cacheDir, FIOT_CONFIG_DIR: temp.root });
    assert.equal(run.code, 0, `${run.stderr}\n${run.stdout.slice(-2000)}`);
    assert.equal(resultLine<{ ok: boolean }>(run.stdout).ok, true);
    const lines = progressLines(run.stdout) as unknown as FigureLine[];
    const streamed = lines.filter((p) => (p.phase === 'writing' || p.phase === 'decompressing') && p.download?.totalBytes && p.download.bytes < p.download.totalBytes);
    assert.ok(streamed.length >= 10, `progress while the download ran: ${streamed.length} lines`);

    const first = lines.find((p) => p.download)!;
    assert.equal(first.download?.paceKnown, false, `no verdict from the first sample: ${JSON.stringify(first)}`);
    const known = streamed.filter((p) => p.download?.paceKnown);
    assert.ok(known.some((p) => p.download?.limitedBy === 'download'), 'once known, the download is said to set the pace');

    for (const p of streamed) {
      const download = p.download!;
      const downloaded = (download.bytes / download.totalBytes!) * 100;
      // Writing is 66 % of a card's figure (reading back the rest): the figure is never ahead of the download.
      assert.ok(p.percent !== null && p.percent <= downloaded, `the figure ${p.percent}% is not ahead of ${downloaded.toFixed(1)}% downloaded`);
    }
    // The cards wait for the download: the writing share is close behind it, not left at the start.
    const late = known.filter((p) => p.download!.bytes / p.download!.totalBytes! > 0.5);
    assert.ok(late.length > 0, 'lines past half the download');
    for (const p of late) {
      const downloaded = p.download!.bytes / p.download!.totalBytes!;
      assert.ok(p.percent! >= Math.floor(66 * downloaded) - 10, `the figure ${p.percent}% follows ${(downloaded * 100).toFixed(1)}% downloaded`);
    }

    // The time left is what the download still needs at its own speed, which the events carry.
    const timed = known.filter((p) => p.download!.limitedBy === 'download' && (p.download!.speed ?? 0) > 0 && p.etaSeconds !== null);
    assert.ok(timed.length > 0, 'lines with the download speed and a time left');
    for (const p of timed) {
      const needed = (p.download!.totalBytes! - p.download!.bytes) / p.download!.speed!;
      assert.ok(p.etaSeconds! >= needed * 0.99, `the time left ${p.etaSeconds!.toFixed(1)} s is not less than the download needs (${needed.toFixed(1)} s)`);
      assert.ok(p.etaSeconds! <= needed * 2 + 3, `the time left ${p.etaSeconds!.toFixed(1)} s is about what the download needs (${needed.toFixed(1)} s)`);
    }
  } finally {
    card.dispose();
  }
});

/** The lines a terminal showed, as last drawn before each redraw (escape sequences taken out). */
function drawnLines(transcript: string): string[] {
  // eslint-disable-next-line no-control-regex
  return transcript.split(/[\r\n]+/).map((line) => line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')).filter((line) => /\[[#-]+\] +\d+%/.test(line));
}

/** One fact after the bar, each said whole. */
const FACT = String.raw`(downloaded [\d.]+ [kMGT]?B( of [\d.]+ [kMGT]?B)?|[\d:]+ left( in this step)?|[\d.]+ [kMGT]?B/s|waiting for the download|the card is the slower part|first boot: .+ set up)`;
const WHOLE_LINE = new RegExp(String.raw`^.+ \[[#-]+\] +\d+%(  ${FACT})*$`);

test('on an 80-column terminal with two cards, every line fits and keeps the download facts whole', { skip, timeout: 300_000 }, async () => {
  const temp = freshCache();
  const cards = [createLoopDisk(fixture.size + 8 * MiB, 'fiot-figures-a-'), createLoopDisk(fixture.size + 8 * MiB, 'fiot-figures-b-')];
  try {
    const drives = cards.map((card) => `--drive ${card.device}`).join(' ');
    const { code, transcript } = await answerOnTerminal(`stty cols 80 rows 24; ${process.execPath} ${bin} flash ${server.url(IMAGE)} ${drives} --sha256 ${sha256} --yes`, 'y', {
      env: { FIOT_CACHE_DIR: temp.cacheDir, FIOT_CONFIG_DIR: temp.root },
    });
    assert.equal(code, 0, transcript.slice(-2000));
    const lines = drawnLines(transcript);
    assert.ok(lines.length > 5, `lines drawn: ${lines.length}`);
    for (const line of lines) {
      assert.ok(line.length <= 79, `fits 80 columns (${line.length}): ${line}`);
      assert.match(line, WHOLE_LINE, 'every fact said whole');
    }
    assert.ok(lines.some((line) => /downloaded [\d.]+ [kMG]?B of /.test(line) && / left/.test(line)), `how much arrived and the time left, on one line:\n${lines.slice(0, 40).join('\n')}`);
  } finally {
    for (const card of cards) card.dispose();
  }
});
