/**
 * A URL flash of an image not cached yet is written while it downloads, as a user runs it
 * (`fiot-flash flash <url> --drive /dev/loopN --sha256 X --json`), from a loopback server sending
 * at a limited rate. The fixture is compressed as osbuild does (1 MiB xz blocks).
 *
 * - The card is written while bytes still arrive (progress says so: written bytes grow while the
 *   download is incomplete, the writer waiting for it), verified, and holds the image; the cache
 *   then holds the `.xz` and its decompressed copy, and a second flash reads the copy. With the
 *   `.xz` index read first, only the blocks that may hold data are decoded (the result counts them).
 * - One byte flipped on the server side: exit 1, CHECKSUM_MISMATCH, the card (which held a valid
 *   table before) has none at its head or end, and the cache holds neither file. The same for an
 *   intact image that is not the one its checksum names: written while it downloads, no table.
 * - The connection cut mid-download: resumed by Range, the card verified.
 * - Mirrors: the first dies mid-download (its index was read first); the next sends the rest by
 *   Range, and the card verifies.
 * - A server that ignores Range: no index beforehand, so the image streams in order from one
 *   request, decoded whole, and verifies.
 * - Ctrl-C while it downloads: exit 1 with CANCELLED, the card without a table, the server stops sending.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startFlash } from '../../../electron/core/flash/job';
import { localFileResolver } from '../../../electron/core/image-source';
import { makeFixture, type Fixture } from '../../fixtures/fixture';
import { assertNoPartitionTable, cachedEntries } from '../../helpers/cache-copy';
import { assertCardHoldsImage, imageDataRanges, readRange } from '../../helpers/card-check';
import { resultLine } from '../../helpers/cli-json';
import { progressLines, whileDownloading, writtenIn } from '../../helpers/streamed-progress';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { createLoopDisk } from '../../helpers/loop';

type LoopDisk = ReturnType<typeof createLoopDisk>;
import { runCli } from '../../helpers/run-cli';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';
import { tempImages, type TempImages } from './setup';

const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'blkid', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'e2fsck', 'fsck.vfat', 'xz') ?? false;
const MiB = 1024 * 1024;
const IMAGE = '/Fedora-IoT-stream.raw.xz';
/** ~6 MB/s: the download takes a few seconds, slower than the loop device takes the bytes. */
const RATE = { bytes: 64 * 1024, ms: 10 };

let fixture: Fixture & { xzPath: string };
let xz: Buffer;
let sha256: string;
let server: ImageServer;
const temps: TempImages[] = [];

before(async () => {
  if (skip) return;
  const built = await makeFixture({ xz: 'osbuild', size: 160 * MiB, espMib: 32, bootMib: 32, rootFillMib: 24, seed: 20 });
  fixture = { ...built, xzPath: built.xzPath! };
  xz = readFileSync(fixture.xzPath);
  sha256 = createHash('sha256').update(xz).digest('hex');
  server = await startImageServer({ [IMAGE]: xz });
});
after(async () => {
  await server?.close();
  for (const temp of temps) temp.dispose();
});

interface Result {
  ok: boolean;
  decoder?: string;
  xzBlocks?: { total: number; forMap: number; decoded: number };
  imageCache?: string;
  error?: { code: string; message: string };
  targets: Array<{ verified: boolean }>;
}

function freshCache(): TempImages {
  const temp = tempImages();
  temps.push(temp);
  return temp;
}

async function flash(temp: TempImages, card: LoopDisk, started?: (child: ChildProcess) => void, expected = sha256) {
  const run = await runCli(['flash', server.url(IMAGE), '--drive', card.device, '--sha256', expected, '--yes', '--json'], { FIOT_CACHE_DIR: temp.cacheDir, FIOT_CONFIG_DIR: temp.root }, started);
  return { ...run, progress: progressLines(run.stdout), result: resultLine<Result>(run.stdout) };
}

/**
 * The blocks of the fixture's `.xz` (1 MiB each) that overlap data the image's filesystems
 * allocated: the fewest a flash can decode and still write every byte of the image.
 */
async function blocksHoldingData(): Promise<number> {
  const blocks = new Set<number>();
  for (const range of await imageDataRanges(fixture.path, fixture.size)) {
    for (let block = Math.floor(range.offset / MiB); block * MiB < range.offset + range.length; block++) blocks.add(block);
  }
  return blocks.size;
}

/** The flash read the `.xz` index first and decoded the blocks that may hold data, not the free space between them. */
async function assertOnlyDataBlocksDecoded(result: Result): Promise<void> {
  const blocks = result.xzBlocks;
  assert.ok(blocks, `the result counts the .xz blocks: ${JSON.stringify(result)}`);
  assert.equal(blocks.total, fixture.size / MiB, 'every 1 MiB block of the file is known from its index');
  assert.equal(blocks.forMap, 0, 'no block decoded twice: the map is read from the blocks as they are written');
  assert.ok(blocks.decoded < blocks.total, `only some blocks decoded (${blocks.decoded} of ${blocks.total})`);
  assert.ok(blocks.decoded >= (await blocksHoldingData()), `at least every block holding data decoded (${blocks.decoded})`);
}

function newCard(): LoopDisk {
  return createLoopDisk(fixture.size + 8 * MiB, 'fiot-stream-card-');
}

/** A card that looks finished before the run: the image's own partition table at its head. */
function withOldTable(card: LoopDisk): void {
  const fd = openSync(card.backingFile, 'r+');
  writeSync(fd, readFileSync(fixture.path).subarray(0, MiB), 0, MiB, 0);
  closeSync(fd);
}

/** No partition table at either end: the head (sfdisk, blkid) and no GPT header in the card's last 64 KiB. */
function assertNoTables(card: LoopDisk): void {
  assertNoPartitionTable(card.device, card.backingFile);
  const size = fixture.size + 8 * MiB;
  assert.ok(!readRange(card.backingFile, size - 64 * 1024, 64 * 1024).includes('EFI PART'), 'no backup GPT header at the end of the card');
}

/** Neither the download nor a decompressed copy stayed in the cache: no entry, no object folder, no partial file. */
function assertCacheEmpty(temp: TempImages): void {
  assert.deepEqual(cachedEntries(temp.cacheDir), [], 'no cache entry');
  assert.equal(existsSync(path.join(temp.cacheDir, 'objects', sha256)), false, 'no object folder');
  const downloads = path.join(temp.cacheDir, 'downloads');
  const parts = existsSync(downloads) ? readdirSync(downloads).filter((name) => name.endsWith('.part')) : [];
  assert.deepEqual(parts, [], 'no partial download or copy left');
}

test('a URL flash at a limited rate is written while it downloads, verified, and leaves the .xz and its copy in the cache', { skip, timeout: 300_000 }, async () => {
  server.faults.throttle = RATE;
  const temp = freshCache();
  const first = newCard();
  const second = newCard();
  try {
    const run = await flash(temp, first);
    assert.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(run.result)}`);
    assert.equal(run.result.targets[0]?.verified, true);
    assert.match(run.result.decoder ?? '', /while downloading/);
    await assertOnlyDataBlocksDecoded(run.result);
    // Bytes reached the card while the download was still incomplete, and the writer said it waited for it.
    const during = whileDownloading(run.progress);
    assert.ok(writtenIn(during), 'written while downloading');
    assert.ok(during.some((p) => p.download?.limitedBy === 'download'), 'the progress said the download set the pace');
    await assertCardHoldsImage(fixture, first.device);

    // The cache holds the download and the decompressed copy the writer made on the way.
    const entry = cachedEntries(temp.cacheDir).find((e) => e.sha256 === sha256);
    assert.ok(entry?.file && entry.raw, 'one entry with both files');
    assert.ok(readFileSync(path.join(temp.cacheDir, entry.file)).equals(xz), 'the .xz as served');
    assert.equal(entry.raw.size, fixture.size);
    assert.equal(run.result.imageCache, 'kept');

    server.faults.throttle = undefined;
    const downloads = server.downloads(IMAGE).length;
    const again = await flash(temp, second);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.result.imageCache, 'read', 'the second flash reads the copy');
    assert.equal(server.downloads(IMAGE).length, downloads, 'and downloads nothing');
    await assertCardHoldsImage(fixture, second.device);
  } finally {
    server.faults.throttle = undefined;
    first.dispose();
    second.dispose();
  }
});

test('a byte flipped on the server fails with CHECKSUM_MISMATCH: the card has no partition table and the cache holds nothing', { skip, timeout: 300_000 }, async () => {
  const flipped = Buffer.from(xz);
  flipped[Math.floor(flipped.length / 2)]! ^= 0x40;
  server.files.set(IMAGE, { body: flipped });
  server.faults.throttle = RATE;
  const temp = freshCache();
  const card = newCard();
  withOldTable(card);
  try {
    const run = await flash(temp, card);
    assert.equal(run.code, 1);
    assert.equal(run.result.error?.code, 'CHECKSUM_MISMATCH', JSON.stringify(run.result));
    assertNoTables(card);
    assertCacheEmpty(temp);
  } finally {
    server.files.set(IMAGE, { body: xz });
    server.faults.throttle = undefined;
    card.dispose();
  }
});

/**
 * A rate-limited flash under `faults` onto a fresh card and cache: it must verify and the card hold
 * the image. Returns its result and the download requests it made (the `.xz` index's bounded reads left out).
 */
async function flashUnder(faults: Partial<typeof server.faults>) {
  Object.assign(server.faults, { throttle: RATE, ...faults });
  const card = newCard();
  const before = server.requests.length;
  try {
    const run = await flash(freshCache(), card);
    assert.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(run.result)}`);
    assert.equal(run.result.targets[0]?.verified, true);
    assert.match(run.result.decoder ?? '', /while downloading/);
    await assertCardHoldsImage(fixture, card.device);
    return { result: run.result, progress: run.progress, downloads: server.downloads(IMAGE).filter((r) => server.requests.indexOf(r) >= before) };
  } finally {
    for (const key of Object.keys(server.faults) as Array<keyof typeof server.faults>) delete server.faults[key];
    card.dispose();
  }
}

test('an intact image that is not the one its checksum names is written, but its partition table never goes on', { skip, timeout: 300_000 }, async () => {
  server.faults.throttle = RATE;
  const temp = freshCache();
  const card = newCard();
  withOldTable(card);
  try {
    // Every block decodes cleanly: only the sha256 of the whole download, known at its end, tells.
    const run = await flash(temp, card, undefined, 'ab'.repeat(32));
    assert.equal(run.code, 1);
    assert.equal(run.result.error?.code, 'CHECKSUM_MISMATCH', JSON.stringify(run.result));
    assert.ok(writtenIn(run.progress), 'the body was being written before the verdict');
    assertNoTables(card);
    assertCacheEmpty(temp);
  } finally {
    server.faults.throttle = undefined;
    card.dispose();
  }
});

test('a connection cut mid-download resumes by Range and the card verifies', { skip, timeout: 300_000 }, async () => {
  const { result, downloads } = await flashUnder({ cutAfterBytes: { bytes: Math.floor(xz.length / 2), times: 1, downloadsOnly: true } });
  await assertOnlyDataBlocksDecoded(result);
  assert.equal(downloads.length, 2, 'the download and its resume');
  assert.equal(downloads[1]?.status, 206);
  assert.match(downloads[1]?.range ?? '', /^bytes=[1-9]\d*-$/, 'resumed where the cut left it');
});

test('mirrors fail over mid-stream: the first dies after a third of the file, the next sends the rest by Range, and the card verifies', { skip, timeout: 300_000 }, async () => {
  const dying = await startImageServer({ [IMAGE]: xz });
  const cutAt = Math.floor(xz.length / 3);
  Object.assign(dying.faults, { throttle: RATE, cutAfterBytes: { bytes: cutAt, times: 1, downloadsOnly: true } });
  server.faults.throttle = RATE;
  // Once the first mirror has sent its part, it goes away for good: every retry there is refused.
  let dead = false;
  const watch = setInterval(() => {
    if (dead || !dying.downloads(IMAGE).some((r) => r.bytesSent >= cutAt)) return;
    dead = true;
    void dying.close();
  }, 5);
  const card = newCard();
  const before = server.requests.length;
  try {
    const service = freshCache().service({ mirrors: async () => [dying.url(IMAGE), server.url(IMAGE)], attemptsPerUrl: 2 });
    const job = startFlash({ source: dying.url(IMAGE), targets: [card.device], sha256 }, { resolvers: [service.resolver(), localFileResolver] });
    const result = await job.result;
    assert.equal(result.ok, true, JSON.stringify(result.error ?? result.targets));
    assert.equal(result.targets[0]?.verified, true);
    assert.match(result.decoder ?? '', /while downloading/);
    await assertOnlyDataBlocksDecoded(result);
    assert.ok(dead, 'the first mirror died mid-download');
    const rest = server.downloads(IMAGE).filter((r) => server.requests.indexOf(r) >= before);
    assert.deepEqual(rest.map((r) => r.status), [206], 'the second mirror sent only the rest');
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(rest[0]?.range ?? '')?.[1]);
    assert.ok(resumedAt > 0 && resumedAt <= cutAt, `resumed where the first mirror stopped (${rest[0]?.range})`);
    await assertCardHoldsImage(fixture, card.device);
  } finally {
    clearInterval(watch);
    server.faults.throttle = undefined;
    if (!dead) await dying.close();
    card.dispose();
  }
});

test('a server that ignores Range streams the image in order from one request, and the card verifies', { skip, timeout: 300_000 }, async () => {
  const { result, downloads, progress } = await flashUnder({ ignoreRange: true });
  assert.deepEqual(downloads.map((r) => r.status), [200], 'one whole-file answer');
  assert.equal(result.xzBlocks, undefined, 'without its index the file is decoded as one stream');
  // The image's size is known only at its end: the figure a person watches moves with the download meanwhile.
  const shown = whileDownloading(progress).map((p) => p.percent ?? 0);
  assert.ok(shown.some((percent) => percent > 0), `the progress figure moved while the image downloaded: ${shown.join(',')}`);
});

test('Ctrl-C while the image downloads stops the download and the writer: exit 1, CANCELLED, no partition table', { skip, timeout: 300_000 }, async () => {
  // Slow enough that the cancel surely comes mid-download.
  server.faults.throttle = { bytes: 32 * 1024, ms: 20 };
  const temp = freshCache();
  const card = newCard();
  withOldTable(card);
  const before = server.requests.length;
  try {
    const run = await flash(temp, card, (child) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        // Once a card is being written from a download under way: Ctrl-C.
        if (/"download":\{"bytes":[1-9]/.test(out) && /"state":"writing"/.test(out) && !child.killed) child.kill('SIGINT');
      });
    });
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.result.error?.code, 'CANCELLED', JSON.stringify(run.result));
    assertNoTables(card);
    assert.deepEqual(cachedEntries(temp.cacheDir), [], 'nothing was kept as an image');
    const transfer = server.downloads(IMAGE).filter((r) => server.requests.indexOf(r) >= before).at(-1)!;
    const sent = transfer.bytesSent;
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(transfer.bytesSent, sent, 'the server sends nothing more');
    assert.ok(sent < xz.length, 'the download stopped before its end');
  } finally {
    server.faults.throttle = undefined;
    card.dispose();
  }
});
