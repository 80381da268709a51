/**
 * Decompress once, flash many: an .xz image fetched from a loopback server is verified, cached,
 * decompressed once into a sparse raw copy with its allocation map, and flashed from there onto a
 * loop device full of old random data. The card must come out with the image's partition table,
 * every filesystem fsck-clean and every file identical, while only the mapped ranges were written;
 * a second flash of the same URL downloads nothing.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { startFlash } from '../../../electron/core/flash/job';
import { localFileResolver } from '../../../electron/core/image-source';
import { makeFixture, type Fixture } from '../../fixtures/fixture';
import { assertCardHoldsImage, fillWithOldData } from '../../helpers/card-check';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { createLoopDisk } from '../../helpers/loop';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';
import { tempImages, type TempImages } from './setup';

const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'debugfs', 'e2fsck', 'fsck.vfat', 'xz') ?? false;
const MiB = 1024 * 1024;
const URL_PATH = '/images/fixture.raw.xz';
let server: ImageServer;
let fixture: Fixture;
let xzSha256: string;
// Each test gets an empty image cache of its own, so none depends on what another left behind.
let temp: TempImages;

before(async () => {
  if (skip) return;
  fixture = await makeFixture({ xz: true, layout: 'gpt', seed: 4 });
  const xz = readFileSync(fixture.xzPath!);
  xzSha256 = createHash('sha256').update(xz).digest('hex');
  server = await startImageServer({ [URL_PATH]: xz });
});
beforeEach(() => {
  temp = tempImages();
});
afterEach(() => temp?.dispose());
after(async () => {
  await server?.close();
});

async function flashUrl(device: string) {
  const service = temp.service();
  const job = startFlash({ source: server.url(URL_PATH), targets: [device], sha256: xzSha256 }, { resolvers: [service.resolver(), localFileResolver] });
  return { result: await job.result, service };
}

test('flash from the cache writes only mapped ranges and leaves an identical, fsck-clean card', { skip }, async () => {
  const card = createLoopDisk(fixture.size + 16 * MiB, 'fiot-cache-card-');
  try {
    fillWithOldData(card.backingFile, fixture.size + 16 * MiB);
    const before = card.sectorsWritten();
    const { result, service } = await flashUrl(card.device);
    assert.equal(result.ok, true, JSON.stringify(result.targets[0]?.error ?? result));
    assert.equal(result.targets[0]!.verified, true);
    assert.equal(result.sourceSha256, xzSha256);

    const [entry] = await service.cache.list();
    assert.ok(entry?.raw, 'a raw copy was kept next to the .xz');
    assert.equal(entry.raw.size, fixture.size);
    assert.equal(entry.raw.file.split('/').pop(), 'fixture.raw', 'the copy keeps the published name, without .xz');
    const rawOnDisk = statSync(service.cache.abs(entry.raw.file)).blocks * 512;
    assert.ok(rawOnDisk < fixture.size / 2, `the raw copy is sparse (${rawOnDisk} bytes on disk for ${fixture.size})`);
    assert.equal(createHash('sha256').update(readFileSync(service.cache.abs(entry.raw.file))).digest('hex'),
      createHash('sha256').update(readFileSync(fixture.path)).digest('hex'), 'the raw copy reads back as the image');

    const written = (card.sectorsWritten() - before) * 512;
    assert.ok(written <= entry.raw.dataBytes + 2 * MiB, `wrote ${written} bytes for ${entry.raw.dataBytes} mapped`);
    assert.ok(written < fixture.size * 0.6, 'far less than the whole image');

    await assertCardHoldsImage(fixture, card.backingFile, { files: true });
  } finally {
    card.dispose();
  }
});

test('a second flash of the same URL downloads and decompresses nothing', { skip }, async () => {
  const card = createLoopDisk(fixture.size + 16 * MiB, 'fiot-cache-card-');
  try {
    const transfersBefore = server.downloads(URL_PATH).length;
    const first = await flashUrl(card.device);
    assert.equal(first.result.ok, true, JSON.stringify(first.result.targets[0]?.error ?? first.result));
    assert.equal(server.downloads(URL_PATH).length, transfersBefore + 1, 'the first flash downloads the image once');
    const [entry] = await first.service.cache.list();
    assert.ok(entry?.raw, 'the first flash kept a raw copy');
    const raw = statSync(first.service.cache.abs(entry.raw.file));

    const second = await flashUrl(card.device);
    assert.equal(second.result.ok, true, JSON.stringify(second.result.targets[0]?.error ?? second.result));
    assert.equal(second.result.targets[0]!.verified, true);
    assert.equal(server.downloads(URL_PATH).length, transfersBefore + 1, 'no second download');
    const rawAfter = statSync(first.service.cache.abs(entry.raw.file));
    assert.deepEqual([rawAfter.ino, rawAfter.mtimeMs], [raw.ino, raw.mtimeMs], 'the raw copy was not decompressed again');
  } finally {
    card.dispose();
  }
});
