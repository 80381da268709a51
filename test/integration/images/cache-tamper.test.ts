/**
 * A cached copy is re-checked every time it is written: the flash hashes exactly the bytes it
 * writes and compares them with the digest recorded when the copy was made from the verified
 * download. Flip one byte in the cached decompressed copy, and the next flash fails with
 * CACHE_CORRUPT before the partition table (held back until last) is written: the card, which held
 * a valid table before, has none (sfdisk and blkid find nothing), the entry is gone from the
 * cache, and the flash after that downloads the image afresh and writes a good card.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { CacheEntry } from '../../../shared/domain/images';
import type { HistoryEntry } from '../../../shared/domain/history';
import { makeFixture, type Fixture } from '../../fixtures/fixture';
import { resultLine } from '../../helpers/cli-json';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { createLoopDisk } from '../../helpers/loop';
import { runCli } from '../../helpers/run-cli';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';
import { tempImages, type TempImages } from './setup';

const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'blkid', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'xz') ?? false;
const MiB = 1024 * 1024;
let server: ImageServer;
let temp: TempImages;
let fixture: Fixture;
let sha256: string;

before(async () => {
  if (skip) return;
  fixture = await makeFixture({ xz: true, size: 128 * MiB, espMib: 32, bootMib: 32, rootFillMib: 8, seed: 11 });
  const xz = readFileSync(fixture.xzPath!);
  sha256 = createHash('sha256').update(xz).digest('hex');
  server = await startImageServer({ '/tamper.raw.xz': xz });
  temp = tempImages();
});
after(async () => {
  await server?.close();
  temp?.dispose();
});

async function flash(url: string, device: string) {
  const run = await runCli(['flash', url, '--drive', device, '--sha256', sha256, '--yes', '--json'], { FIOT_CACHE_DIR: temp.cacheDir, FIOT_CONFIG_DIR: temp.root });
  return { ...run, last: resultLine<{ ok: boolean; error?: { code: string; message: string; hint?: string } }>(run.stdout) };
}

function cachedEntries(): CacheEntry[] {
  return (JSON.parse(readFileSync(path.join(temp.cacheDir, 'index.json'), 'utf8')) as { entries: CacheEntry[] }).entries;
}

/** Flips one byte of the cached raw copy inside a data range past the partition table area. */
function tamperRawCopy(entry: CacheEntry): number {
  const map = JSON.parse(readFileSync(path.join(temp.cacheDir, entry.raw!.mapFile), 'utf8')) as { dataRanges: { offset: number; length: number }[] };
  const range = map.dataRanges.find((r) => r.offset >= MiB && r.length > 4096)!;
  const at = range.offset + 1000;
  const fd = openSync(path.join(temp.cacheDir, entry.raw!.file), 'r+');
  try {
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, at);
    byte[0] = byte[0]! ^ 0x5a;
    writeSync(fd, byte, 0, 1, at);
  } finally {
    closeSync(fd);
  }
  return at;
}

const finds = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' });

test('a tampered cached copy fails the flash, leaves the card without a partition table, and is dropped from the cache', { skip, timeout: 300_000 }, async () => {
  const url = server.url('/tamper.raw.xz');
  const first = createLoopDisk(fixture.size + 8 * MiB, 'fiot-tamper-card-');
  const second = createLoopDisk(fixture.size + 8 * MiB, 'fiot-tamper-card-');
  try {
    const good = await flash(url, first.device);
    assert.equal(good.code, 0, `${good.stderr}\n${JSON.stringify(good.last)}`);
    const [entry] = cachedEntries();
    assert.match(entry?.raw?.dataSha256 ?? '', /^[0-9a-f]{64}$/, 'the digest of the written bytes was recorded with the copy');

    // The second card starts out looking like a finished card: a valid partition table.
    const fd = openSync(second.backingFile, 'r+');
    writeSync(fd, readFileSync(fixture.path).subarray(0, MiB), 0, MiB, 0);
    closeSync(fd);
    assert.equal(finds('sfdisk', ['-d', second.device]).status, 0, 'the card had a partition table before');

    tamperRawCopy(entry!);
    const bad = await flash(url, second.device);
    assert.equal(bad.code, 1);
    assert.equal(bad.last.ok, false);
    assert.equal(bad.last.error?.code, 'CACHE_CORRUPT', JSON.stringify(bad.last));
    assert.match(bad.last.error!.message, /partition table was not written/);
    assert.match(bad.last.error!.hint ?? '', /removed from the cache/);

    const sfdisk = finds('sfdisk', ['-d', second.device]);
    assert.notEqual(sfdisk.status, 0, `sfdisk finds no partition table: ${sfdisk.stdout}`);
    const blkid = finds('blkid', ['-p', second.device]);
    assert.equal(blkid.stdout.trim(), '', 'blkid finds no partition table or filesystem at the start of the card');
    assert.equal(blkid.status, 2, 'blkid: nothing found');
    assert.ok(readFileSync(second.backingFile).subarray(0, MiB).equals(Buffer.alloc(MiB)), 'the head of the card is zeroed');

    assert.deepEqual(cachedEntries().map((e) => e.sha256), [], 'the damaged entry is gone from the index');
    assert.equal(existsSync(path.join(temp.cacheDir, 'objects', sha256)), false, 'and its files from the disk');
    const history = readFileSync(path.join(temp.root, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as HistoryEntry);
    assert.equal(history.at(-1)?.result, 'failed');
    assert.equal(history.at(-1)?.error?.code, 'CACHE_CORRUPT');

    // What the hint promises: flashing again fetches the image afresh and writes a good card.
    const again = await flash(url, second.device);
    assert.equal(again.code, 0, `${again.stderr}\n${JSON.stringify(again.last)}`);
    assert.equal(server.transfers('/tamper.raw.xz').length, 2, 'downloaded again');
    assert.equal(finds('sfdisk', ['-d', second.device]).status, 0);
  } finally {
    first.dispose();
    second.dispose();
  }
});
