/**
 * The image cache and a multi-block .xz (as osbuild compresses): the raw copy is made by random
 * access, mapped from the metadata blocks, with only the blocks holding data decoded into it. Its
 * map equals the map of the image itself, its bytes equal the image's in every mapped range, it
 * stays sparse, and a flash from it leaves a card that holds the image.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startFlash } from '../../../electron/core/flash/job';
import { localFileResolver } from '../../../electron/core/image-source';
import { mapImage } from '../../../electron/core/image-map';
import { readMapFile } from '../../../electron/core/images/raw-copy';
import { makeFixture, type Fixture } from '../../fixtures/fixture';
import { assertCardHoldsImage, firstDifference, imageDataRanges } from '../../helpers/card-check';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { createLoopDisk } from '../../helpers/loop';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';
import { sha256, tempImages, type TempImages } from './setup';

const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'debugfs', 'e2fsck', 'fsck.vfat', 'xz') ?? false;
let server: ImageServer;
let temp: TempImages;
let fixture: Fixture;
let xzSha256: string;

before(async () => {
  if (skip) return;
  fixture = await makeFixture({ xz: 'osbuild' });
  const xz = readFileSync(fixture.xzPath!);
  xzSha256 = sha256(xz);
  server = await startImageServer({ '/images/fixture.raw.xz': xz });
  temp = tempImages();
});
after(async () => {
  await server?.close();
  temp?.dispose();
});

test('the raw copy of a multi-block .xz holds every mapped range; a flash from it holds the image', { skip, timeout: 180_000 }, async () => {
  const service = temp.service({ mapImage });
  const url = server.url('/images/fixture.raw.xz');
  const prepared = await service.prepareSource(url, { sha256: xzSha256 });
  const entry = prepared.entry;
  assert.ok(entry.raw, 'a raw copy was kept next to the .xz');
  const rawCopy = service.cache.abs(entry.raw.file);
  const expected = await imageDataRanges(fixture.path, fixture.size);
  assert.deepEqual((await readMapFile(service.cache, entry))?.dataRanges, expected, 'the kept map is the image’s own');
  assert.equal(firstDifference(fixture.path, rawCopy, expected), null, 'every mapped range of the copy equals the image');
  const onDisk = statSync(rawCopy).blocks * 512;
  assert.ok(onDisk < fixture.size / 2, `only the decoded blocks take room (${onDisk} bytes for ${fixture.size})`);

  const card = createLoopDisk(fixture.size, 'fiot-cache-xz-card-');
  try {
    const result = await startFlash({ source: url, targets: [card.device], sha256: xzSha256 }, { resolvers: [service.resolver(), localFileResolver] }).result;
    assert.equal(result.ok, true, JSON.stringify(result.error ?? result.targets));
    assert.equal(result.targets[0]?.verified, true);
    await assertCardHoldsImage(fixture, card.device, { files: true });
  } finally {
    card.dispose();
  }
});
