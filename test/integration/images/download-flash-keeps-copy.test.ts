/**
 * A download's decompressed copy is made by the writer, as a local file's is: a URL flashed once
 * (a multi-block .xz, as osbuild compresses, decoded by random access) leaves the cache holding
 * the verified .xz and, beside it, the copy and its map, recorded with the writer's digest of what
 * it wrote. The second flash of the URL downloads and decodes nothing: it reads only the copy's
 * mapped ranges, and both cards hold the same bytes, the image's. A copy recorded by an older
 * version (no `madeBy: writer`: its digest was the core's) is not trusted: the next flash makes it again.
 * The app flashes the path a download handed back (the .xz in the cache): the same way.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startFlash } from '../../../electron/core/flash/job';
import { localFileResolver } from '../../../electron/core/image-source';
import { readMapFile } from '../../../electron/core/images/cache/copy-files';
import { makeFixture, type Fixture } from '../../fixtures/fixture';
import { assertCardHoldsImage, firstDifference, imageDataRanges, sha256OfRange } from '../../helpers/card-check';
import { dataDigest } from '../../helpers/data-digest';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { createLoopDisk } from '../../helpers/loop';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';
import { sha256, tempImages, type TempImages } from './setup';

const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'debugfs', 'e2fsck', 'fsck.vfat', 'xz') ?? false;
const URL_PATH = '/images/fixture.raw.xz';
let server: ImageServer;
let temp: TempImages;
let fixture: Fixture;
let xzSha256: string;

before(async () => {
  if (skip) return;
  fixture = await makeFixture({ xz: 'osbuild' });
  const xz = readFileSync(fixture.xzPath!);
  xzSha256 = sha256(xz);
  server = await startImageServer({ [URL_PATH]: xz });
  temp = tempImages();
});
after(async () => {
  await server?.close();
  temp?.dispose();
});

test('a URL flashed once leaves the .xz and its copy in the cache; the second flash reads only the copy, and both cards match', { skip, timeout: 300_000 }, async () => {
  const service = temp.service();
  const url = server.url(URL_PATH);
  const flash = (device: string) => startFlash({ source: url, targets: [device], sha256: xzSha256 }, { resolvers: [service.resolver(), localFileResolver] }).result;
  const first = createLoopDisk(fixture.size, 'fiot-download-copy-card-');
  const second = createLoopDisk(fixture.size, 'fiot-download-copy-card-');
  try {
    const cold = await flash(first.device);
    assert.equal(cold.ok, true, JSON.stringify(cold.error ?? cold.targets));
    assert.equal(cold.targets[0]?.verified, true);
    assert.match(cold.decoder ?? '', /while downloading/, 'the first flash is written while the .xz downloads');
    assert.equal(cold.imageCache, 'kept', 'the first flash kept its decompressed copy');
    assert.equal(server.downloads(URL_PATH).length, 1);

    const [entry] = await service.cache.list();
    assert.ok(entry?.file && entry.raw, 'one entry, holding the download and a copy');
    assert.equal(await sha256OfRange(service.cache.abs(entry.file), statSync(service.cache.abs(entry.file)).size), xzSha256, 'the verified .xz stays in the cache');
    assert.equal(entry.raw.madeBy, 'writer');
    assert.equal(entry.raw.size, fixture.size);
    assert.ok(existsSync(service.cache.abs(entry.raw.mapFile)), 'its map is beside it');
    const map = (await readMapFile(service.cache, entry))!;
    const expected = await imageDataRanges(fixture.path, fixture.size);
    const copy = service.cache.abs(entry.raw.file);
    assert.equal(firstDifference(fixture.path, copy, expected), null, 'every range the image holds data in is in the copy, as the image has it');
    assert.equal(await dataDigest(copy, map.dataRanges), entry.raw.dataSha256, 'the recorded digest is that of the copy’s mapped ranges');
    assert.equal(entry.raw.dataSha256, cold.targets[0]?.writtenSha256, 'and of what the writer wrote to the first card');
    const onDisk = statSync(copy).blocks * 512;
    assert.ok(onDisk < fixture.size / 2, `the copy is sparse (${onDisk} bytes on disk for ${fixture.size})`);

    const warm = await flash(second.device);
    assert.equal(warm.ok, true, JSON.stringify(warm.error ?? warm.targets));
    assert.equal(warm.targets[0]?.verified, true);
    assert.equal(warm.decoder, 'raw file, given map', 'the second flash decodes nothing: it reads the copy’s mapped ranges');
    assert.equal(warm.imageCache, 'read');
    assert.equal(server.downloads(URL_PATH).length, 1, 'no second download');

    assert.equal(await sha256OfRange(second.backingFile, fixture.size), await sha256OfRange(first.backingFile, fixture.size), 'both cards hold the same bytes');
    await assertCardHoldsImage(fixture, second.device, { files: true });

    // The same entry as an older version recorded it: its copy made by the core, not the writer.
    const indexFile = path.join(temp.cacheDir, 'index.json');
    const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { entries: Array<{ raw: { madeBy?: string } | null }> };
    delete index.entries[0]!.raw!.madeBy;
    writeFileSync(indexFile, JSON.stringify(index));
    const rebuilt = await flash(first.device);
    assert.equal(rebuilt.ok, true, JSON.stringify(rebuilt.error ?? rebuilt.targets));
    assert.match(rebuilt.decoder ?? '', /blocks/, 'an old copy is not read: the .xz is decoded again');
    assert.equal(rebuilt.imageCache, 'kept', 'and the copy made again');
    assert.equal((await service.cache.list())[0]?.raw?.madeBy, 'writer');
    assert.equal(server.downloads(URL_PATH).length, 1, 'from the cached .xz, without a download');
  } finally {
    first.dispose();
    second.dispose();
  }
});

test('the path of a cached download, as the app flashes it, gets the copy too, and the next flash of that path reads it', { skip, timeout: 300_000 }, async () => {
  const own = tempImages();
  const card = createLoopDisk(fixture.size, 'fiot-download-copy-card-');
  try {
    const service = own.service();
    const entry = await service.fetch(server.url(URL_PATH), { sha256: xzSha256 });
    const downloaded = service.cache.abs(entry.file);
    const flash = () => startFlash({ source: downloaded, targets: [card.device] }, { resolvers: [service.resolver(), localFileResolver] }).result;
    const cold = await flash();
    assert.equal(cold.ok, true, JSON.stringify(cold.error ?? cold.targets));
    assert.equal(cold.imageCache, 'kept');
    assert.equal(cold.sourceSha256, xzSha256, 'known as the verified download, not hashed as a stranger');
    const [kept] = await service.cache.list();
    assert.deepEqual([kept?.sha256, kept?.file, kept?.raw?.madeBy], [xzSha256, entry.file, 'writer'], 'the copy joined the download’s entry');
    const warm = await flash();
    assert.equal(warm.ok, true, JSON.stringify(warm.error ?? warm.targets));
    assert.equal(warm.decoder, 'raw file, given map');
    assert.equal(warm.imageCache, 'read');
    await assertCardHoldsImage(fixture, card.device, { files: true });
  } finally {
    card.dispose();
    own.dispose();
  }
});
