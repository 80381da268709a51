/**
 * "6 GB on the card" without downloading the image: the unpacked size of a real multi-block .xz
 * (made by the xz tool, as osbuild does, in parallel blocks) read from a loopback server that honours
 * Range, in two small requests; across concatenated streams; and a server that ignores Range, which
 * gives no size and is not read to the end.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { probeImageSizes } from '../../../electron/core/catalog/image-sizes';
import { remoteXzImageSize } from '../../../electron/core/catalog/remote-xz-size';
import type { CatalogEntry } from '../../../shared/domain/catalog';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { commandsSkipReason } from '../../helpers/system';

const MiB = 1024 * 1024;
const skip = commandsSkipReason('xz') ?? false;
const request = { timeoutMs: 5000 };

/** A disk-image-like mix: random data (does not compress), text, and empty space. */
function diskLike(bytes: number): Buffer {
  const text = Buffer.from('ostree deployment kernel module firmware '.repeat(Math.ceil(bytes / 4 / 41)));
  return Buffer.concat([randomBytes(bytes / 2), text.subarray(0, bytes / 4), Buffer.alloc(bytes / 4)]);
}

function xz(data: Buffer, blockSize: string): Buffer {
  return execFileSync('xz', ['-0', '-T2', `--block-size=${blockSize}`, '-c'], { input: data, maxBuffer: 64 * MiB });
}

/** Blocks in an .xz file, as the xz tool lists them (it lists files only, not standard input). */
function blockCount(packed: Buffer): number {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-xz-list-'));
  try {
    writeFileSync(path.join(dir, 'image.raw.xz'), packed);
    const listing = execFileSync('xz', ['--robot', '--list', path.join(dir, 'image.raw.xz')]).toString();
    // The `totals` line: streams, then blocks.
    return Number(listing.split('\n').find((l) => l.startsWith('totals'))?.split('\t')[2]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rawEntry = (id: string, url: string): CatalogEntry => ({
  id, kind: 'raw-image', variant: 'fedora-iot', version: '43', architectures: ['aarch64'], date: null, size: null, imageSize: null,
  url, sha256: null, digest: null, stable: true, source: 'releases', labels: {},
});

describe('the unpacked size of a raw image on a web server', { skip }, () => {
  let image: Buffer;
  let packed: Buffer;
  let second: Buffer;
  let server: ImageServer;
  let noRange: ImageServer;

  before(async () => {
    image = diskLike(8 * MiB);
    packed = xz(image, '256KiB');
    second = diskLike(2 * MiB);
    server = await startImageServer({
      '/Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz': packed,
      '/two-streams.raw.xz': Buffer.concat([packed, xz(second, '1MiB')]),
    });
    noRange = await startImageServer({ '/Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz': packed });
    noRange.faults.ignoreRange = true;
    // Slow enough that reading the whole body would show.
    noRange.faults.throttle = { bytes: 64 * 1024, ms: 20 };
  });

  after(async () => {
    await server?.close();
    await noRange?.close();
  });

  it('reads the exact size of a multi-block image from the xz index in two small Range requests', async () => {
    assert.equal(blockCount(packed), image.length / (256 * 1024), 'one block per 256 KiB');
    server.requests.length = 0;
    const size = await remoteXzImageSize(server.url('/Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz'), request);
    assert.equal(size, image.length);
    assert.deepEqual(server.requests.map((r) => r.status), [206, 206]);
    const fetched = server.requests.reduce((sum, r) => sum + r.bytesSent, 0);
    assert.ok(fetched < 70 * 1024, `read ${fetched} bytes of a ${packed.length}-byte file`);
  });

  it('adds up the images of concatenated xz streams', async () => {
    const size = await remoteXzImageSize(server.url('/two-streams.raw.xz'), request);
    assert.equal(size, image.length + second.length);
  });

  it('gives no size from a server that ignores Range, and leaves it without downloading the image', async () => {
    const started = Date.now();
    await assert.rejects(remoteXzImageSize(noRange.url('/Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz'), request), /does not send parts of a file \(HTTP 200/);
    const [answer] = noRange.requests;
    assert.equal(answer?.status, 200);
    assert.ok(Date.now() - started < 2000, 'gave up at once');
    // Let the server notice the hang-up, then count what it handed to the socket.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(answer.bytesSent < packed.length / 4, `the server sent ${answer.bytesSent} of ${packed.length} bytes`);
  });

  it('probes raw .xz entries only; a failing server leaves its entry without a size', async () => {
    server.requests.length = 0;
    const entries: CatalogEntry[] = [
      rawEntry('good', server.url('/Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz')),
      rawEntry('missing', server.url('/gone.raw.xz')),
      rawEntry('ignores-range', noRange.url('/Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz')),
      rawEntry('not-xz', server.url('/plain.raw')),
      rawEntry('known', server.url('/two-streams.raw.xz')),
      { ...rawEntry('container', ''), kind: 'bootc-container', url: undefined, reference: 'quay.io/fedora/fedora-iot:43' },
    ];
    const sizes = await probeImageSizes(entries, { known: 1 }, request);
    assert.deepEqual(sizes, { good: image.length });
    assert.deepEqual([...new Set(server.requests.map((r) => r.path))].sort(), ['/Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz', '/gone.raw.xz']);
  });
});
