/**
 * Decompress once, flash many: an .xz image fetched from a loopback server is verified, cached,
 * decompressed once into a sparse raw copy with its allocation map, and flashed from there onto a
 * loop device full of old random data. The card must come out with the image's partition table,
 * every filesystem fsck-clean and every file identical, while only the mapped ranges were written;
 * a second flash of the same URL downloads nothing.
 */
import assert from 'node:assert/strict';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startFlash } from '../../../electron/core/flash/job';
import { localFileResolver } from '../../../electron/core/flash/source';
import { mapImage } from '../../../electron/core/image-map';
import { makeFixture, type Fixture } from '../../fixtures/fixture';
import { e2fsck, ext4Tree, fsckVfat, treeDifferences, vfatTree } from '../../helpers/fs-tree';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { createLoopDisk } from '../../helpers/loop';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';
import { tempImages, type TempImages } from './setup';

const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'debugfs', 'e2fsck', 'fsck.vfat', 'xz') ?? false;
const MiB = 1024 * 1024;
let server: ImageServer;
let temp: TempImages;
let fixture: Fixture;
let xzSha256: string;

before(async () => {
  if (skip) return;
  fixture = await makeFixture({ xz: true, layout: 'gpt', seed: 4 });
  const xz = readFileSync(fixture.xzPath!);
  xzSha256 = createHash('sha256').update(xz).digest('hex');
  server = await startImageServer({ '/images/fixture.raw.xz': xz });
  temp = tempImages();
});
after(async () => {
  await server?.close();
  temp?.dispose();
});

function fillWithOldData(file: string, size: number): void {
  const fd = openSync(file, 'r+');
  const garbage = Buffer.alloc(MiB);
  for (let at = 0; at < size; at += MiB) writeSync(fd, randomFillSync(garbage), 0, Math.min(MiB, size - at), at);
  closeSync(fd);
}

function head(file: string, length: number): Buffer {
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(length);
  readSync(fd, buf, 0, length, 0);
  closeSync(fd);
  return buf;
}

async function flashUrl(device: string) {
  const service = temp.service({ mapImage });
  const job = startFlash({ source: server.url('/images/fixture.raw.xz'), targets: [device], sha256: xzSha256 }, { resolvers: [service.resolver(), localFileResolver] });
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

    // The partition tables (primary GPT and its header) match the image byte for byte.
    assert.deepEqual(head(card.backingFile, 34 * 512), head(fixture.path, 34 * 512));
    for (const p of fixture.partitions) {
      const check = p.fs === 'vfat' ? fsckVfat(card.backingFile, p.offset, p.size) : e2fsck(card.backingFile, p.offset);
      assert.ok(check.clean, `${p.label} is not clean:\n${check.output}`);
      const expected = p.fs === 'vfat' ? vfatTree(fixture.path, p.offset) : ext4Tree(fixture.path, p.offset);
      const actual = p.fs === 'vfat' ? vfatTree(card.backingFile, p.offset) : ext4Tree(card.backingFile, p.offset);
      assert.deepEqual(treeDifferences(expected, actual), [], `${p.label} files differ`);
    }
  } finally {
    card.dispose();
  }
});

test('a second flash of the same URL downloads and decompresses nothing', { skip }, async () => {
  const card = createLoopDisk(fixture.size + 16 * MiB, 'fiot-cache-card-');
  try {
    const transfers = server.transfers('/images/fixture.raw.xz').length;
    assert.equal(transfers, 1);
    const { result } = await flashUrl(card.device);
    assert.equal(result.ok, true);
    assert.equal(server.transfers('/images/fixture.raw.xz').length, transfers);
  } finally {
    card.dispose();
  }
});
