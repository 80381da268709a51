/**
 * A local compressed file flashed twice is decompressed once, as a user runs it:
 * `fiot-flash flash image.raw.xz --drive LOOP`. The first verified flash leaves a decompressed copy
 * in the image cache, keyed by the file's sha256 (`fiot-flash cache` lists it); the second flash of
 * the same bytes writes from that copy and runs no decoder (its result says so: `imageCache`
 * "read", the writer's decoder "raw file, given map", no xz blocks decoded), and the card holds the
 * image. A different file under the same name is decoded again; a failed or cancelled first flash
 * leaves nothing in the cache; a tampered copy fails with CACHE_CORRUPT before the partition table
 * and leaves the cache.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { createCore } from '../../../electron/core/app-core';
import { loadConfig } from '../../../electron/core/config';
import type { FlashResult } from '../../../shared/domain/flash';
import { makeFixture, type Fixture } from '../../fixtures/fixture';
import { assertNoPartitionTable, cachedEntries, tamperRawCopy } from '../../helpers/cache-copy';
import { assertCardHoldsImage, flipByte } from '../../helpers/card-check';
import { resultLine } from '../../helpers/cli-json';
import { coreCalls } from '../../helpers/core-calls';
import { attachLoop, createLoopDisk } from '../../helpers/loop';
import { runCli } from '../../helpers/run-cli';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';
import { tempImages, type TempImages } from './setup';

const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'blkid', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'xz', 'e2fsck', 'fsck.vfat', 'debugfs') ?? false;
const MiB = 1024 * 1024;
const CLI = path.resolve(import.meta.dirname, '../../../bin/fiot-flash.mjs');

type Result = Pick<FlashResult, 'ok' | 'decoder' | 'xzBlocks' | 'imageCache' | 'sourceSha256' | 'error'>;

let temp: TempImages;
/** Multi-block (as osbuild compresses Fedora's images): decoded block by block. */
let blocks: Fixture;
/** Single-block xz -6: decoded as one stream. */
let stream: Fixture;

before(async () => {
  if (skip) return;
  [blocks, stream] = await Promise.all([
    makeFixture({ xz: 'osbuild', size: 128 * MiB, espMib: 32, bootMib: 32, rootFillMib: 8, seed: 21 }),
    makeFixture({ xz: true, size: 128 * MiB, espMib: 32, bootMib: 32, rootFillMib: 8, seed: 22 }),
  ]);
  temp = tempImages();
});
after(() => temp?.dispose());

const env = () => ({ FIOT_CACHE_DIR: temp.cacheDir, FIOT_CONFIG_DIR: temp.root });

async function flash(source: string, device: string) {
  const run = await runCli(['flash', source, '--drive', device, '--yes', '--json'], env());
  return { ...run, result: resultLine<Result & { ok: boolean }>(run.stdout) };
}

const sha256Of = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
/** Files in an entry's folder: none may be left behind by a flash that kept nothing. */
const entryFiles = (sha256: string) => (existsSync(path.join(temp.cacheDir, 'objects', sha256)) ? readdirSync(path.join(temp.cacheDir, 'objects', sha256)) : []);

/** The user's own copy of a fixture's .xz, under one name the tests reuse. */
function localImage(fixture: Fixture): string {
  const file = path.join(temp.root, 'Fedora-IoT-local.raw.xz');
  copyFileSync(fixture.xzPath!, file);
  return file;
}

/** The single-block fixture's .xz under another name: the same bytes, so the same cache entry. */
function streamCopy(name: string): { source: string; sha256: string } {
  const source = path.join(temp.root, name);
  copyFileSync(stream.xzPath!, source);
  return { source, sha256: sha256Of(source) };
}

test('the second flash of a local .raw.xz decodes nothing: it writes the copy the first flash left in the cache', { skip, timeout: 300_000 }, async () => {
  const source = localImage(blocks);
  const sha256 = sha256Of(source);
  const first = createLoopDisk(blocks.size + 8 * MiB, 'fiot-local-copy-');
  const second = createLoopDisk(blocks.size + 8 * MiB, 'fiot-local-copy-');
  try {
    const cold = await flash(source, first.device);
    assert.equal(cold.code, 0, `${cold.stderr}\n${JSON.stringify(cold.result)}`);
    assert.equal(cold.result.imageCache, 'kept');
    assert.ok((cold.result.xzBlocks?.decoded ?? 0) > 0, `the first flash decoded xz blocks: ${cold.result.decoder}`);
    assert.equal(cold.result.sourceSha256, sha256);

    const ls = await runCli(['cache', 'ls', '--json'], env());
    const listed = resultLine<{ ok: boolean; entries: Array<{ sha256: string; name: string; file: string | null; raw: { dataSha256?: string } | null }> }>(ls.stdout).entries;
    const entry = listed.find((e) => e.sha256 === sha256);
    assert.ok(entry, `fiot-flash cache lists the copy under the file's sha256: ${ls.stdout}`);
    assert.equal(entry.name, 'Fedora-IoT-local.raw.xz');
    assert.equal(entry.file, null, 'the compressed file itself was not copied into the cache');
    assert.match(entry.raw?.dataSha256 ?? '', /^[0-9a-f]{64}$/);
    assert.ok(!entryFiles(sha256).some((name) => name.endsWith('.part')), `no part file is left: ${entryFiles(sha256).join(', ')}`);
    const human = await runCli(['cache', 'ls'], env());
    assert.match(human.stdout, /Fedora-IoT-local\.raw\.xz.*local file/);

    const warm = await flash(source, second.device);
    assert.equal(warm.code, 0, `${warm.stderr}\n${JSON.stringify(warm.result)}`);
    assert.equal(warm.result.imageCache, 'read');
    assert.equal(warm.result.decoder, 'raw file, given map', 'the writer read the raw copy: no decoder ran');
    assert.equal(warm.result.xzBlocks, undefined, 'no xz block was decoded');
    assert.equal(warm.result.sourceSha256, sha256);
    await assertCardHoldsImage(blocks, second.backingFile);
    const said = await runCli(['flash', source, '--drive', first.device, '--yes'], env());
    assert.equal(said.code, 0, said.stderr);
    assert.match(said.stdout, /Written from the decompressed copy in the image cache/);
  } finally {
    first.dispose();
    second.dispose();
  }
});

test('the app and the station (through the core’s router) take the same path: the second flash reads the copy', { skip, timeout: 300_000 }, async () => {
  const folder = path.join(temp.root, 'station-images');
  mkdirSync(folder);
  const source = path.join(folder, 'station.raw.xz');
  copyFileSync(blocks.xzPath!, source);
  const core = createCore(loadConfig({ FIOT_CONFIG_DIR: temp.root, FIOT_CACHE_DIR: path.join(temp.root, 'station-cache') }), { imageFolders: [folder] });
  const { call, flashDone } = coreCalls(() => core);
  const flashToFile = async (name: string) => {
    const out = path.join(folder, name);
    await call('drives:resolve', { path: out });
    const { jobId } = await call<{ jobId: string }>('flash:start', { source, targets: [out] });
    return { out, result: await flashDone(jobId) };
  };
  const cold = await flashToFile('first.img');
  assert.equal(cold.result.ok, true, JSON.stringify(cold.result.error));
  assert.equal(cold.result.imageCache, 'kept');
  const warm = await flashToFile('second.img');
  assert.equal(warm.result.ok, true, JSON.stringify(warm.result.error));
  assert.equal(warm.result.imageCache, 'read');
  assert.equal(warm.result.decoder, 'raw file, given map');
  await assertCardHoldsImage(blocks, warm.out);

  // Read from the copy, the flash still refuses a target that holds the file the person named.
  const sha256 = sha256Of(source);
  const overSource = attachLoop(source);
  try {
    await call('drives:resolve', { path: overSource.device });
    const { jobId } = await call<{ jobId: string }>('flash:start', { source, targets: [overSource.device] });
    const refused = await flashDone(jobId);
    // (The loop device is also smaller than the image: both reasons are given.)
    assert.match(refused.error?.message ?? '', /holds the image being written \(.*station\.raw\.xz\)/, JSON.stringify(refused.error));
  } finally {
    overSource.detach();
  }
  assert.equal(sha256Of(source), sha256, 'the .xz is untouched');
});

test('a different file under the same name is decoded again, and kept as its own entry', { skip, timeout: 300_000 }, async () => {
  const source = localImage(stream);
  const card = createLoopDisk(stream.size + 8 * MiB, 'fiot-local-copy-');
  try {
    const before = cachedEntries(temp.cacheDir).length;
    const run = await flash(source, card.device);
    assert.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(run.result)}`);
    assert.equal(run.result.imageCache, 'kept', 'same name, other bytes: not taken from the cache');
    assert.notEqual(run.result.decoder, 'raw file, given map');
    assert.equal(cachedEntries(temp.cacheDir).length, before + 1);
    await assertCardHoldsImage(stream, card.backingFile);

    const again = await flash(source, card.device);
    assert.equal(again.result.imageCache, 'read', 'a stream-decoded copy is written from the cache too');
    await assertCardHoldsImage(stream, card.backingFile);
  } finally {
    card.dispose();
  }
});

test('a tampered copy fails with CACHE_CORRUPT before the partition table and leaves the cache', { skip, timeout: 300_000 }, async () => {
  const source = localImage(blocks);
  const sha256 = sha256Of(source);
  const card = createLoopDisk(blocks.size + 8 * MiB, 'fiot-local-copy-');
  try {
    const entry = cachedEntries(temp.cacheDir).find((e) => e.sha256 === sha256);
    assert.ok(entry?.raw, 'the first test left the copy');
    // The card starts out looking finished: a valid partition table.
    const fd = openSync(card.backingFile, 'r+');
    writeSync(fd, readFileSync(blocks.path).subarray(0, MiB), 0, MiB, 0);
    closeSync(fd);
    tamperRawCopy(temp.cacheDir, entry);

    const bad = await flash(source, card.device);
    assert.equal(bad.code, 1);
    assert.equal(bad.result.error?.code, 'CACHE_CORRUPT', JSON.stringify(bad.result));
    assertNoPartitionTable(card.device, card.backingFile);
    assert.ok(!cachedEntries(temp.cacheDir).some((e) => e.sha256 === sha256), 'the damaged copy left the index');
    assert.deepEqual(entryFiles(sha256), [], 'and its files the disk');

    const again = await flash(source, card.device);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.result.imageCache, 'kept', 'flashed again: decoded afresh, and kept again');
    await assertCardHoldsImage(blocks, card.backingFile);
  } finally {
    card.dispose();
  }
});

test('a failed first flash (a damaged .xz) leaves nothing in the cache', { skip, timeout: 300_000 }, async () => {
  const source = path.join(temp.root, 'damaged.raw.xz');
  copyFileSync(stream.xzPath!, source);
  // Past the stream's header, inside the compressed data: the decoder fails its check mid-image.
  flipByte(source, Math.floor(readFileSync(source).length / 2));
  const sha256 = sha256Of(source);
  const card = createLoopDisk(stream.size + 8 * MiB, 'fiot-local-copy-');
  try {
    const run = await flash(source, card.device);
    assert.equal(run.code, 1);
    assert.equal(run.result.error?.code, 'SOURCE_CORRUPT', JSON.stringify(run.result));
    assert.equal(run.result.imageCache, undefined);
    assert.ok(!cachedEntries(temp.cacheDir).some((e) => e.sha256 === sha256), 'no entry');
    assert.deepEqual(entryFiles(sha256), [], 'no part file, no folder');
  } finally {
    card.dispose();
  }
});

test('a copy larger than the cache limit is given up: the flash succeeds and keeps nothing', { skip, timeout: 300_000 }, async () => {
  const { source, sha256 } = streamCopy('too-large.raw.xz');
  const card = createLoopDisk(stream.size + 8 * MiB, 'fiot-local-copy-');
  const cacheDir = path.join(temp.root, 'small-cache');
  try {
    // 2 MiB: less than the image's data, so the writer stops copying part way.
    const run = await runCli(['flash', source, '--drive', card.device, '--yes', '--json'], { ...env(), FIOT_CACHE_DIR: cacheDir, FIOT_CACHE_LIMIT_GB: '0.002' });
    const result = resultLine<Result & { ok: boolean }>(run.stdout);
    assert.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(result)}`);
    assert.equal(result.imageCache, undefined);
    assert.deepEqual(cachedEntries(cacheDir), []);
    assert.equal(existsSync(path.join(cacheDir, 'objects', sha256)), false, 'no part file, no folder');
    await assertCardHoldsImage(stream, card.backingFile);
  } finally {
    card.dispose();
  }
});

test('a first flash cancelled while decoding leaves nothing in the cache', { skip, timeout: 300_000 }, async () => {
  const { source, sha256 } = streamCopy('cancelled.raw.xz');
  const card = createLoopDisk(stream.size + 8 * MiB, 'fiot-local-copy-');
  try {
    // The copy an earlier test kept goes first: this flash is a cold one.
    for (const entry of cachedEntries(temp.cacheDir).filter((e) => e.sha256 === sha256)) await runCli(['cache', 'rm', entry.sha256], env());
    const child = spawn(process.execPath, [CLI, 'flash', source, '--drive', card.device, '--yes', '--json'], { env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let interrupted = false;
    createInterface({ input: child.stdout }).on('line', (line) => {
      stdout += `${line}\n`;
      const message = JSON.parse(line) as { type: string; phase?: string; bytes?: number };
      if (!interrupted && message.type === 'progress' && message.phase === 'decompressing' && (message.bytes ?? 0) > 0) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.ok(interrupted, 'the flash was interrupted while decoding');
    assert.equal(code, 1);
    assert.equal(resultLine<Result & { ok: boolean }>(stdout).error?.code, 'CANCELLED');
    assert.ok(!cachedEntries(temp.cacheDir).some((e) => e.sha256 === sha256), 'no entry');
    assert.deepEqual(entryFiles(sha256), [], 'no part file, no folder');
  } finally {
    card.dispose();
  }
});
