/**
 * `fiot-flash flash <url> --sha256 X` as a user runs it: the image is downloaded, verified and
 * decompressed once into the cache, written and verified on a loop device; the second flash of the
 * same URL downloads nothing. A wrong --sha256, found once the download is complete (the image is
 * written while it downloads), leaves the card without a partition table and nothing cached.
 *
 * A cached copy is re-checked every time it is written: the flash hashes exactly the bytes it
 * writes and compares them with the digest recorded when the copy was made from the verified
 * download. One flipped byte in the cached decompressed copy makes the next flash fail with
 * CACHE_CORRUPT before the partition table (held back until last) is written: the card, which held
 * a valid table before, has none (sfdisk and blkid find nothing), the entry leaves the cache, and
 * the flash after that downloads the image afresh and writes a good card.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { HistoryEntry } from '../../../shared/domain/history';
import { makeFixture, type Fixture } from '../../fixtures/fixture';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { assertNoPartitionTable, cachedEntries, tamperRawCopy } from '../../helpers/cache-copy';
import { createLoopDisk } from '../../helpers/loop';
import { runCli } from '../../helpers/run-cli';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';
import { tempImages, type TempImages } from './setup';
import { resultLine } from '../../helpers/cli-json';

const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'blkid', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'xz') ?? false;
const MiB = 1024 * 1024;
let server: ImageServer;
let temp: TempImages;
let fixture: Fixture;
let sha256: string;

before(async () => {
  if (skip) return;
  fixture = await makeFixture({ xz: true, size: 128 * MiB, espMib: 32, bootMib: 32, rootFillMib: 8, seed: 7 });
  const xz = readFileSync(fixture.xzPath!);
  sha256 = createHash('sha256').update(xz).digest('hex');
  server = await startImageServer({ '/Fedora-small.raw.xz': xz });
  temp = tempImages();
});
after(async () => {
  await server?.close();
  temp?.dispose();
});

async function flash(args: string[]) {
  const run = await runCli(['flash', ...args, '--yes', '--json'], { FIOT_CACHE_DIR: temp.cacheDir, FIOT_CONFIG_DIR: temp.root });
  return { ...run, last: resultLine<{ ok: boolean; error?: { code: string; message: string; hint?: string } }>(run.stdout) };
}

test('flash <url> --sha256 writes a verified card; the second flash downloads nothing', { skip, timeout: 300_000 }, async () => {
  const url = server.url('/Fedora-small.raw.xz');
  const first = createLoopDisk(fixture.size + 8 * MiB, 'fiot-url-card-');
  const second = createLoopDisk(fixture.size + 8 * MiB, 'fiot-url-card-');
  try {
    const run1 = await flash([url, '--drive', first.device, '--sha256', sha256]);
    assert.equal(run1.code, 0, `${run1.stderr}\n${JSON.stringify(run1.last)}`);
    assert.equal(run1.last.ok, true);
    assert.equal(server.downloads('/Fedora-small.raw.xz').length, 1);
    const run2 = await flash([url, '--drive', second.device]);
    assert.equal(run2.code, 0, run2.stderr);
    assert.equal(server.downloads('/Fedora-small.raw.xz').length, 1, 'the second flash downloaded nothing');
    // Both cards read back like the image in its partition table area.
    const image = readFileSync(fixture.path).subarray(0, MiB);
    assert.deepEqual(readFileSync(first.backingFile).subarray(0, MiB), image);
    assert.deepEqual(readFileSync(second.backingFile).subarray(0, MiB), image);
  } finally {
    first.dispose();
    second.dispose();
  }
});

test('flash <url> with a wrong --sha256 leaves the card without a partition table and caches nothing', { skip, timeout: 120_000 }, async () => {
  server.files.set('/other.raw.xz', { body: readFileSync(fixture.xzPath!).subarray(0, 4096) });
  const card = createLoopDisk(fixture.size + 8 * MiB, 'fiot-url-card-');
  try {
    const run = await flash([server.url('/other.raw.xz'), '--drive', card.device, '--sha256', 'ab'.repeat(32)]);
    assert.equal(run.code, 1);
    assert.equal(run.last.error?.code, 'CHECKSUM_MISMATCH', JSON.stringify(run.last));
    // Written while it downloaded: the mismatch found at the end keeps the partition table off.
    assertNoPartitionTable(card.device, card.backingFile);
    const index = JSON.parse(readFileSync(path.join(temp.cacheDir, 'index.json'), 'utf8')) as { entries: { name: string }[] };
    assert.ok(!index.entries.some((e) => e.name === 'other.raw.xz'), 'the bad download is not in the cache');
  } finally {
    card.dispose();
  }
});

const finds = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' });

test('a tampered cached copy fails the flash, leaves the card without a partition table, and is dropped from the cache', { skip, timeout: 300_000 }, async () => {
  const url = server.url('/Fedora-small.raw.xz');
  const first = createLoopDisk(fixture.size + 8 * MiB, 'fiot-tamper-card-');
  const second = createLoopDisk(fixture.size + 8 * MiB, 'fiot-tamper-card-');
  try {
    const good = await flash([url, '--drive', first.device, '--sha256', sha256]);
    assert.equal(good.code, 0, `${good.stderr}\n${JSON.stringify(good.last)}`);
    const transfers = server.downloads('/Fedora-small.raw.xz').length;
    const entry = cachedEntries(temp.cacheDir).find((e) => e.sha256 === sha256);
    assert.match(entry?.raw?.dataSha256 ?? '', /^[0-9a-f]{64}$/, 'the digest of the written bytes was recorded with the copy');

    // The second card starts out looking like a finished card: a valid partition table.
    const fd = openSync(second.backingFile, 'r+');
    writeSync(fd, readFileSync(fixture.path).subarray(0, MiB), 0, MiB, 0);
    closeSync(fd);
    assert.equal(finds('sfdisk', ['-d', second.device]).status, 0, 'the card had a partition table before');

    tamperRawCopy(temp.cacheDir, entry!);
    const bad = await flash([url, '--drive', second.device, '--sha256', sha256]);
    assert.equal(bad.code, 1);
    assert.equal(bad.last.ok, false);
    assert.equal(bad.last.error?.code, 'CACHE_CORRUPT', JSON.stringify(bad.last));
    assert.match(bad.last.error!.message, /partition table was not written/);
    assert.match(bad.last.error!.hint ?? '', /removed from the cache/);

    assertNoPartitionTable(second.device, second.backingFile);

    assert.ok(!cachedEntries(temp.cacheDir).some((e) => e.sha256 === sha256), 'the damaged entry is gone from the index');
    assert.equal(existsSync(path.join(temp.cacheDir, 'objects', sha256)), false, 'and its files from the disk');
    const history = readFileSync(path.join(temp.root, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as HistoryEntry);
    assert.equal(history.at(-1)?.result, 'failed');
    assert.equal(history.at(-1)?.error?.code, 'CACHE_CORRUPT');

    // What the hint promises: flashing again fetches the image afresh and writes a good card.
    const again = await flash([url, '--drive', second.device, '--sha256', sha256]);
    assert.equal(again.code, 0, `${again.stderr}\n${JSON.stringify(again.last)}`);
    assert.equal(server.downloads('/Fedora-small.raw.xz').length, transfers + 1, 'downloaded again');
    assert.equal(finds('sfdisk', ['-d', second.device]).status, 0);
  } finally {
    first.dispose();
    second.dispose();
  }
});
