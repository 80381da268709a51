/**
 * Issue 18, item 3: a cached download altered before its first flash was flashed as "verified"
 * and "signed" (the raw copy was made from the cached file without hashing it again). Now the
 * cached file is hashed again while its copy is made: an `.xz` replaced by another valid `.xz`, or
 * a raw image downloaded with --sha256 with one byte flipped, fails with CACHE_CORRUPT before a
 * sector of the card is written, its entry leaves the cache, and the next flash downloads afresh.
 * The real CLI, a loopback server, loop devices.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeFixture, type Fixture } from '../../fixtures/fixture';
import { cachedEntries } from '../../helpers/cache-copy';
import { flipByte } from '../../helpers/card-check';
import { resultLine } from '../../helpers/cli-json';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { createLoopDisk } from '../../helpers/loop';
import { runCli } from '../../helpers/run-cli';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';
import { tempImages, type TempImages } from './setup';

const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'xz') ?? false;
const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
let server: ImageServer;
let fixture: Fixture;
let other: Fixture;
const temps: TempImages[] = [];

before(async () => {
  if (skip) return;
  fixture = await makeFixture({ xz: true, size: 96 * MiB, espMib: 16, bootMib: 16, rootFillMib: 4, seed: 11 });
  other = await makeFixture({ xz: true, size: 96 * MiB, espMib: 16, bootMib: 16, rootFillMib: 4, seed: 12 });
  server = await startImageServer({ '/Fedora-small.raw.xz': readFileSync(fixture.xzPath!), '/Fedora-small.raw': readFileSync(fixture.path) });
});
after(async () => {
  await server?.close();
  for (const temp of temps) temp.dispose();
});

function cli(temp: TempImages, args: string[]) {
  return runCli([...args, '--json'], { FIOT_CACHE_DIR: temp.cacheDir, FIOT_CONFIG_DIR: temp.root }).then((run) => ({
    ...run,
    last: resultLine<{ ok: boolean; error?: { code: string; message: string; hint?: string }; sourceSha256?: string }>(run.stdout),
  }));
}

/** Downloads `name` into a fresh cache, lets `alter` change the cached file, then flashes it twice. */
async function alterThenFlash(name: string, expected: string, alter: (cachedFile: string) => void) {
  const temp = tempImages();
  temps.push(temp);
  const url = server.url(name);
  const downloaded = await cli(temp, ['download', url, '--sha256', expected]);
  assert.equal(downloaded.code, 0, downloaded.stderr);
  const [entry] = cachedEntries(temp.cacheDir);
  assert.equal(entry?.raw ?? null, null, 'no decompressed copy yet: the first flash makes it');
  alter(path.join(temp.cacheDir, entry!.file!));
  const card = createLoopDisk(fixture.size + 8 * MiB, 'fiot-altered-card-');
  try {
    const first = await cli(temp, ['flash', url, '--drive', card.device, '--sha256', expected, '--yes']);
    assert.equal(first.code, 1, first.stderr);
    assert.equal(first.last.error?.code, 'CACHE_CORRUPT', JSON.stringify(first.last));
    assert.match(first.last.error!.message, /in the image cache has sha256 [0-9a-f]{64}, not the [0-9a-f]{64} it was verified with when it was downloaded: it was changed since/);
    assert.match(first.last.error!.hint ?? '', /removed from the cache and nothing was written/);
    assert.equal(card.sectorsWritten(), 0, 'not a sector of the card was written');
    assert.deepEqual(cachedEntries(temp.cacheDir), [], 'the entry left the cache');

    const transfers = server.downloads(name).length;
    const second = await cli(temp, ['flash', url, '--drive', card.device, '--sha256', expected, '--yes']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.last.sourceSha256, expected);
    assert.equal(server.downloads(name).length, transfers + 1, 'the image was downloaded afresh');
    assert.ok(readFileSync(card.backingFile).subarray(0, MiB).equals(readFileSync(fixture.path).subarray(0, MiB)), 'the card holds the real image');
  } finally {
    card.dispose();
  }
}

test('a cached .xz replaced by another valid .xz before its first flash is refused, and fetched afresh', { skip, timeout: 300_000 }, async () => {
  await alterThenFlash('/Fedora-small.raw.xz', sha256(readFileSync(fixture.xzPath!)), (cached) => copyFileSync(other.xzPath!, cached));
});

test('a cached raw image downloaded with --sha256, one byte flipped before its first flash, is refused', { skip, timeout: 300_000 }, async () => {
  // Past the partition tables, inside the first filesystem: a byte the flash would write.
  await alterThenFlash('/Fedora-small.raw', sha256(readFileSync(fixture.path)), (cached) => flipByte(cached, 2 * MiB + 1000, 0x5a));
});
