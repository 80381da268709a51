/**
 * `fiot-flash flash <url> --sha256 X` as a user runs it: the image is downloaded, verified and
 * decompressed once into the cache, written and verified on a loop device; the second flash of the
 * same URL downloads nothing. A wrong --sha256 leaves the card untouched and nothing cached.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeFixture, type Fixture } from '../../fixtures/fixture';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { createLoopDisk } from '../../helpers/loop';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';
import { tempImages, type TempImages } from './setup';
import { resultLine } from '../../helpers/cli-json';

const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'xz') ?? false;
const MiB = 1024 * 1024;
const bin = path.resolve(import.meta.dirname, '../../../bin/fiot-flash.mjs');
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

function flash(args: string[]): Promise<{ code: number; last: { ok: boolean; error?: { code: string } }; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'flash', ...args, '--yes', '--json'], {
      env: { ...process.env, FIOT_CACHE_DIR: temp.cacheDir, FIOT_CONFIG_DIR: temp.root },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stderr, last: resultLine(stdout) }));
  });
}

test('flash <url> --sha256 writes a verified card; the second flash downloads nothing', { skip, timeout: 300_000 }, async () => {
  const url = server.url('/Fedora-small.raw.xz');
  const first = createLoopDisk(fixture.size + 8 * MiB, 'fiot-url-card-');
  const second = createLoopDisk(fixture.size + 8 * MiB, 'fiot-url-card-');
  try {
    const run1 = await flash([url, '--drive', first.device, '--sha256', sha256]);
    assert.equal(run1.code, 0, `${run1.stderr}\n${JSON.stringify(run1.last)}`);
    assert.equal(run1.last.ok, true);
    assert.equal(server.transfers('/Fedora-small.raw.xz').length, 1);
    const run2 = await flash([url, '--drive', second.device]);
    assert.equal(run2.code, 0, run2.stderr);
    assert.equal(server.transfers('/Fedora-small.raw.xz').length, 1, 'the second flash downloaded nothing');
    // Both cards read back like the image in its partition table area.
    const image = readFileSync(fixture.path).subarray(0, MiB);
    assert.deepEqual(readFileSync(first.backingFile).subarray(0, MiB), image);
    assert.deepEqual(readFileSync(second.backingFile).subarray(0, MiB), image);
  } finally {
    first.dispose();
    second.dispose();
  }
});

test('flash <url> with a wrong --sha256 fails before writing and caches nothing', { skip, timeout: 120_000 }, async () => {
  server.files.set('/other.raw.xz', { body: readFileSync(fixture.xzPath!).subarray(0, 4096) });
  const card = createLoopDisk(fixture.size + 8 * MiB, 'fiot-url-card-');
  try {
    const run = await flash([server.url('/other.raw.xz'), '--drive', card.device, '--sha256', 'ab'.repeat(32)]);
    assert.equal(run.code, 1);
    assert.equal(run.last.error?.code, 'CHECKSUM_MISMATCH');
    assert.equal(card.sectorsWritten(), 0, 'the card was not touched');
    const index = JSON.parse(readFileSync(path.join(temp.cacheDir, 'index.json'), 'utf8')) as { entries: { name: string }[] };
    assert.ok(!index.entries.some((e) => e.name === 'other.raw.xz'), 'the bad download is not in the cache');
  } finally {
    card.dispose();
  }
});
