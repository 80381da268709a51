/**
 * Ctrl-C during `fiot-flash flash <url>` written while the image downloads, then the same command
 * again, from a loopback server at a limited rate, onto a loop device. What the CLI says about the
 * downloaded part must hold at the next run, as the server sees it:
 *
 * - A server with an ETag and Range requests: the CLI says the part is kept and the next write
 *   continues it; the `.part` is there; the next run asks for `Range: bytes=<its size>-` (with the
 *   ETag as If-Range), and the card verifies.
 * - A server with no ETag nor Last-Modified: the CLI does not promise a resume; it says the part was
 *   not kept, no `.part` stays behind, and the next run asks for the whole file (no Range).
 *
 * Either way the card is said to be incomplete ("card", not "drive"), and --json carries the same
 * facts in `downloadLeft`.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeFixture, type Fixture } from '../../fixtures/fixture';
import { assertCardHoldsImage } from '../../helpers/card-check';
import { resultLine } from '../../helpers/cli-json';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { createLoopDisk } from '../../helpers/loop';
import { runCli } from '../../helpers/run-cli';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';
import { tempImages, type TempImages } from './setup';

const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'blkid', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'e2fsck', 'fsck.vfat', 'xz') ?? false;
const MiB = 1024 * 1024;
const WITH_ETAG = '/etag/Fedora-IoT-cancel.raw.xz';
const NO_VALIDATORS = '/plain/Fedora-IoT-cancel.raw.xz';
/** Slow enough (~1.5 MB/s) that Ctrl-C surely comes mid-download. */
const SLOW = { bytes: 32 * 1024, ms: 20 };
/** Ctrl-C once this much of the download is on disk. */
const CANCEL_AT = 2 * MiB;

let fixture: Fixture & { xzPath: string };
let xz: Buffer;
let sha256: string;
let server: ImageServer;
const temps: TempImages[] = [];

before(async () => {
  if (skip) return;
  const built = await makeFixture({ xz: 'osbuild', size: 96 * MiB, espMib: 16, bootMib: 16, rootFillMib: 16, seed: 21 });
  fixture = { ...built, xzPath: built.xzPath! };
  xz = readFileSync(fixture.xzPath);
  sha256 = createHash('sha256').update(xz).digest('hex');
  server = await startImageServer({ [WITH_ETAG]: xz, [NO_VALIDATORS]: { body: xz, noValidators: true } });
});
after(async () => {
  await server?.close();
  for (const temp of temps) temp.dispose();
});

interface Result {
  ok: boolean;
  downloadLeft?: { bytes: number; totalBytes: number | null; kept: boolean };
  error?: { code: string; message: string; hint?: string };
  targets: Array<{ state: string; verified: boolean }>;
}

function partFile(temp: TempImages): string {
  return path.join(temp.cacheDir, 'downloads', `${sha256}.part`);
}

function partsLeft(temp: TempImages): string[] {
  const downloads = path.join(temp.cacheDir, 'downloads');
  return existsSync(downloads) ? readdirSync(downloads).filter((name) => name.endsWith('.part')) : [];
}

/** Presses Ctrl-C once the `.part` holds CANCEL_AT bytes: partway, as a person would. */
function ctrlCPartway(temp: TempImages): (child: ChildProcess) => void {
  return (child) => {
    const watch = setInterval(() => {
      const size = existsSync(partFile(temp)) ? statSync(partFile(temp)).size : 0;
      if (size >= CANCEL_AT && !child.killed) {
        clearInterval(watch);
        child.kill('SIGINT');
      }
    }, 25);
    child.on('close', () => clearInterval(watch));
  };
}

function flashArgs(file: string, card: { device: string }): string[] {
  return ['flash', server.url(file), '--drive', card.device, '--sha256', sha256, '--yes'];
}

/** Cancels a first run as a person does (human output), then runs it again (--json); returns both and the second run's download requests. */
async function cancelThenAgain(file: string) {
  const temp = tempImages();
  temps.push(temp);
  const env = { FIOT_CACHE_DIR: temp.cacheDir, FIOT_CONFIG_DIR: temp.root };
  const card = createLoopDisk(fixture.size + 8 * MiB, 'fiot-cancel-card-');
  try {
    server.faults.throttle = SLOW;
    const cancelled = await runCli(flashArgs(file, card), env, ctrlCPartway(temp));
    server.faults.throttle = undefined;
    const partBytes = existsSync(partFile(temp)) ? statSync(partFile(temp)).size : null;
    const left = partsLeft(temp);
    const before = server.requests.length;
    const again = await runCli([...flashArgs(file, card), '--json'], env);
    const requests = server.downloads(file).filter((r) => server.requests.indexOf(r) >= before);
    const result = resultLine<Result>(again.stdout);
    if (again.code === 0) await assertCardHoldsImage(fixture, card.device);
    return { cancelled, partBytes, left, again, result, requests };
  } finally {
    server.faults.throttle = undefined;
    card.dispose();
  }
}

test('a server with an ETag: Ctrl-C says the download is kept, and the next write asks only for the rest', { skip, timeout: 300_000 }, async () => {
  const { cancelled, partBytes, again, result, requests } = await cancelThenAgain(WITH_ETAG);
  assert.equal(cancelled.code, 1, `code ${cancelled.code}: ${cancelled.stdout}\n${cancelled.stderr}`);
  assert.ok(partBytes !== null && partBytes >= CANCEL_AT && partBytes < xz.length, `a part of the download stayed (${partBytes} bytes)`);
  const line = cancelled.stdout.split('\n').find((l) => l.startsWith('✘ '));
  assert.match(line ?? '', /^✘ \/dev\/loop\d+: The write was cancelled\. The [\d.]+ [kM]B of [\d.]+ MB downloaded so far are kept: the next write continues the download from there\.$/, cancelled.stdout);
  assert.match(cancelled.stdout, /\n {4}The card or USB stick is incomplete: write it again before using it\.\n/);
  assert.match(cancelled.stderr, /Cancelling… the card or USB stick will be incomplete\./, 'with no board named, both media are named');
  assert.doesNotMatch(cancelled.stdout + cancelled.stderr, /drive is incomplete|not kept/);

  assert.equal(again.code, 0, again.stderr + again.stdout.slice(-2000));
  assert.equal(result.ok, true);
  assert.deepEqual(requests.map((r) => r.range), [`bytes=${partBytes}-`], 'the next write asked only for what was missing');
  assert.equal(requests[0]?.status, 206);
  assert.ok(requests[0]?.ifRange, 'with the ETag, so a changed file would start over');
});

test('a server with no ETag nor Last-Modified: Ctrl-C promises no resume, keeps no part, and the next write downloads it all', { skip, timeout: 300_000 }, async () => {
  const { cancelled, left, again, result, requests } = await cancelThenAgain(NO_VALIDATORS);
  assert.equal(cancelled.code, 1, `code ${cancelled.code}: ${cancelled.stdout}\n${cancelled.stderr}`);
  const line = cancelled.stdout.split('\n').find((l) => l.startsWith('✘ '));
  assert.match(line ?? '', /^✘ \/dev\/loop\d+: The write was cancelled\. The [\d.]+ [kM]B of [\d.]+ MB downloaded so far were not kept, because the server does not let a download continue where it stopped .*: the next write downloads the image from its start\.$/, cancelled.stdout);
  assert.doesNotMatch(cancelled.stdout + cancelled.stderr, /are kept|continues the download|drive is incomplete/);
  assert.deepEqual(left, [], 'no useless partial download was left in the cache');

  assert.equal(again.code, 0, again.stderr + again.stdout.slice(-2000));
  assert.equal(result.ok, true);
  assert.deepEqual(requests.map((r) => [r.range, r.status]), [[undefined, 200]], 'the next write asked for the whole file');
});

test('--json: a cancelled write carries what the download left (downloadLeft) and the same words', { skip, timeout: 300_000 }, async () => {
  const temp = tempImages();
  temps.push(temp);
  const card = createLoopDisk(fixture.size + 8 * MiB, 'fiot-cancel-card-');
  try {
    server.faults.throttle = SLOW;
    const run = await runCli([...flashArgs(WITH_ETAG, card), '--json', '--board', 'rpi4'], { FIOT_CACHE_DIR: temp.cacheDir, FIOT_CONFIG_DIR: temp.root }, ctrlCPartway(temp));
    assert.equal(run.code, 1, run.stderr);
    const result = resultLine<Result>(run.stdout);
    assert.equal(result.error?.code, 'CANCELLED');
    assert.deepEqual(result.targets.map((t) => t.state), ['cancelled']);
    const partBytes = statSync(partFile(temp)).size;
    assert.deepEqual(result.downloadLeft, { bytes: partBytes, totalBytes: xz.length, kept: true });
    assert.match(result.error?.message ?? '', /downloaded so far are kept: the next write continues the download from there\.$/);
    // A Raspberry Pi starts from a card: the words say card.
    assert.equal(result.error?.hint, 'The card is incomplete: write it again before using it.');
  } finally {
    server.faults.throttle = undefined;
    card.dispose();
  }
});
