/**
 * The image users download, from a URL, as a user runs it: the faithful Fedora IoT aarch64
 * `.raw.xz` (6 GiB, 1 MiB blocks as osbuild compresses it, about three quarters of them free
 * space) served on 127.0.0.1, flashed with `fiot-flash flash URL --sha256 X --json` onto a loop
 * device while it downloads. The flash reads the `.xz` index first and decodes only the blocks
 * that may hold data; the card verifies and holds every mapped byte of the image with fsck-clean
 * filesystems; the cache keeps the `.xz` as served and the decompressed copy, whose recorded
 * digest is that of its data.
 *
 * The fixture takes minutes to build: scripts/run-tests.mjs builds it before the tests start
 * (test/fixtures/prebuild.ts), since node's --test-timeout bounds a whole file, hooks included.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { readIndex } from '../../../electron/core/images/cache/cache-index';
import { readMapFile } from '../../../electron/core/images/cache/copy-files';
import { ImageCache } from '../../../electron/core/images/cache/image-cache';
import { FEDORA_AARCH64, makeFixture, type Fixture } from '../../fixtures/fixture';
import { assertCardHoldsImage } from '../../helpers/card-check';
import { resultLine } from '../../helpers/cli-json';
import { dataDigest } from '../../helpers/data-digest';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { createLoopDisk } from '../../helpers/loop';
import { runCli } from '../../helpers/run-cli';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'e2fsck', 'fsck.vfat', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'xz') ?? false;
const MiB = 1024 * 1024;
/** Not a Fedora release name: Fedora's names ask for its signed CHECKSUM beside them, and --sha256 stands in for it here. */
const IMAGE = '/images/faithful-iot.aarch64.raw.xz';

let fixture: Fixture & { xzPath: string };
let xz: Buffer;
let server: ImageServer;

before(async () => {
  if (skip) return;
  const built = await makeFixture(FEDORA_AARCH64);
  fixture = { ...built, xzPath: built.xzPath! };
  xz = readFileSync(fixture.xzPath);
  server = await startImageServer({ [IMAGE]: xz });
});
after(async () => {
  await server?.close();
});

interface Result {
  ok: boolean;
  decoder: string;
  imageCache?: string;
  xzBlocks?: { total: number; forMap: number; decoded: number };
  targets: Array<{ verified: boolean; writtenSha256?: string }>;
}

test('the faithful Fedora IoT image flashed from a URL while it downloads decodes only its data blocks, verifies, and leaves the .xz and its copy in the cache', { skip, timeout: 540_000 }, async () => {
  const card = createLoopDisk(fixture.size, 'fiot-faithful-url-card-');
  const root = mkdtempSync(path.join(os.tmpdir(), 'fiot-faithful-url-'));
  const cacheDir = path.join(root, 'cache');
  try {
    const sha256 = createHash('sha256').update(xz).digest('hex');
    const run = await runCli(['flash', server.url(IMAGE), '--drive', card.device, '--sha256', sha256, '--yes', '--json'], { FIOT_CACHE_DIR: cacheDir, FIOT_CONFIG_DIR: root });
    assert.equal(run.code, 0, `${run.stderr}\n${run.stdout.slice(-2000)}`);
    const result = resultLine<Result>(run.stdout);
    assert.equal(result.targets[0]?.verified, true);
    assert.match(result.decoder, /while downloading/);
    // Mostly free space: the blocks decoded are about a quarter of the file's, never all of them.
    const blocks = result.xzBlocks;
    assert.ok(blocks, 'the result counts the blocks');
    assert.equal(blocks.total, fixture.size / MiB);
    assert.ok(blocks.decoded < blocks.total / 2, `only the blocks that may hold data decoded (${blocks.decoded} of ${blocks.total})`);
    await assertCardHoldsImage(fixture, card.device);

    // The cache: the .xz as served, and the copy the writer made on the way, held to its digest.
    assert.equal(result.imageCache, 'kept');
    const [entry] = await readIndex(cacheDir);
    assert.ok(entry?.file && entry.raw, 'one entry, holding the download and its copy');
    assert.equal(entry.sha256, sha256);
    assert.ok(readFileSync(path.join(cacheDir, entry.file)).equals(xz), 'the .xz as the server sent it');
    assert.equal(entry.raw.size, fixture.size);
    const map = (await readMapFile(new ImageCache(cacheDir), entry))!;
    const inCopy = await dataDigest(path.join(cacheDir, entry.raw.file), map.dataRanges);
    assert.equal(inCopy, await dataDigest(fixture.path, map.dataRanges), 'every mapped byte of the copy is the image\'s');
    assert.equal(inCopy, entry.raw.dataSha256, 'the recorded digest is the copy\'s');
    assert.equal(entry.raw.dataSha256, result.targets[0]?.writtenSha256, 'and that of what the card was written');
  } finally {
    card.dispose();
    rmSync(root, { recursive: true, force: true });
  }
});
