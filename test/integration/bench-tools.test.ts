/**
 * The benchmark's own instruments, checked on what they report rather than on timings: a loop
 * device slowed through the blkio cgroup counts exactly the bytes a command in the cgroup wrote
 * and read, and the card holds them; the line-speed server answers HEAD, whole and Range requests
 * with the file's very bytes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { throttleCards, throttleSkipReason } from '../bench/card-throttle';
import { serveAtLineSpeed } from '../bench/line-server';
import { readRange } from '../helpers/card-check';
import { createLoopDisk } from '../helpers/loop';
import { optionalSkip } from '../helpers/skip';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';

const MiB = 1024 * 1024;
const throttleSkip = throttleSkipReason();
const cardSkip = loopSkipReason() ?? commandsSkipReason('dd') ?? (throttleSkip ? optionalSkip(throttleSkip) : false);

const work = mkdtempSync(path.join(os.tmpdir(), 'fiot-bench-tools-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs `dd` inside the cgroup and waits for it. */
async function ddIn(throttle: ReturnType<typeof throttleCards>, args: string[]): Promise<void> {
  const child = throttle.spawn('dd', [...args, 'status=none'], { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, `dd ${args.join(' ')}`);
}

describe('a card slowed by the blkio cgroup', { skip: cardSkip }, () => {
  test('counts the bytes written and read in the cgroup, and the card holds what was written', async () => {
    const card = createLoopDisk(32 * MiB, 'fiot-bench-tools-card-');
    const data = path.join(work, 'data.bin');
    const bytes = randomBytes(8 * MiB);
    writeFileSync(data, bytes);
    const throttle = throttleCards([card.device], { writeBytesPerSecond: 200e6, readBytesPerSecond: 400e6, writeIops: 5000, readIops: 5000 });
    try {
      await ddIn(throttle, [`if=${data}`, `of=${card.device}`, 'bs=1M', 'seek=4', 'oflag=direct']);
      assert.deepEqual(throttle.serviceBytes(card.device), { read: 0, write: 8 * MiB });
      await ddIn(throttle, [`if=${card.device}`, 'of=/dev/null', 'bs=1M', 'count=3', 'iflag=direct']);
      assert.deepEqual(throttle.serviceBytes(card.device), { read: 3 * MiB, write: 8 * MiB });
      assert.ok(readRange(card.device, 4 * MiB, 8 * MiB).equals(bytes), 'the card holds the bytes at their offset');
    } finally {
      throttle.remove();
      card.dispose();
    }
  });
});

describe('the line-speed server', () => {
  test('answers HEAD, a whole GET and a Range with the file\'s bytes', async () => {
    const file = path.join(work, 'image.raw.xz');
    const body = randomBytes(1 * MiB + 123);
    writeFileSync(file, body);
    const server = await serveAtLineSpeed(file, 'image.raw.xz', 50e6);
    try {
      const head = await fetch(server.url, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-length'), String(body.length));
      assert.equal(head.headers.get('accept-ranges'), 'bytes');
      const whole = Buffer.from(await (await fetch(server.url)).arrayBuffer());
      assert.ok(whole.equals(body), 'the whole file, byte for byte');
      const part = await fetch(server.url, { headers: { range: 'bytes=1000-70999' } });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get('content-range'), `bytes 1000-70999/${body.length}`);
      assert.ok(Buffer.from(await part.arrayBuffer()).equals(body.subarray(1000, 71000)), 'the range, byte for byte');
      assert.equal(server.bytesSent, body.length + 70000);
      assert.equal((await fetch(`${server.url}.missing`)).status, 404);
    } finally {
      await server.close();
    }
  });
});
