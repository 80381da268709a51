/**
 * Two ways one client could take the station's uploads from everyone, repeated against a real
 * `fiot-flash station` process with its default limits: a body dripped a byte every 20 s (never a
 * stall, yet it would hold the only upload slot forever) is cut at the floor rate and the slot
 * freed; and an upload as large as the disk's free space, which would fill it to the last byte,
 * is refused up front, the station keeping a reserve. The images folder is a small ext4 on a loop
 * device the test made, so "the disk" is one whose size the test knows.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { uploadReserve } from '../../electron/station/upload-checks';
import { openConnection } from '../helpers/hostile-clients';
import { attachLoop, type LoopDevice } from '../helpers/loop';
import { stationAnswers } from '../helpers/station-client';
import { spawnStation, type StationProcess } from '../helpers/station-process';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { answerOf, folderEntries, folderSettles, putUpload, uploadHead, type UploadRequestOptions } from '../helpers/upload-client';

const MiB = 1024 * 1024;
/** The station's default: an upload must bring the floor rate's worth of bytes every 30 s. */
const RATE_WINDOW_MS = 30_000;
const SLACK_MS = 5_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function answersWithinASecond(station: StationProcess): Promise<void> {
  const started = Date.now();
  assert.equal(await stationAnswers(station.port, station.token), true);
  assert.ok(Date.now() - started < 1000, `the station answered after ${Date.now() - started} ms`);
}

describe('an upload may not hold the slot or the disk', { skip: loopSkipReason() ?? commandsSkipReason('mkfs.ext4', 'mount', 'umount') ?? false }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-upload-floor-'));
  const images = path.join(dir, 'images');
  let loop: LoopDevice | undefined;
  let mounted = false;
  let station: StationProcess;
  const request = (name: string, extra: Partial<UploadRequestOptions> = {}): UploadRequestOptions => ({ name, port: station.port, token: station.token, ...extra });

  before(async () => {
    const disk = path.join(dir, 'disk.img');
    const fd = openSync(disk, 'w');
    ftruncateSync(fd, 64 * MiB);
    closeSync(fd);
    // -m 0: no blocks kept for root, so the free space the station sees is all there is.
    execFileSync('mkfs.ext4', ['-q', '-m', '0', disk]);
    loop = attachLoop(disk);
    mkdirSync(images);
    execFileSync('mount', [loop.device, images]);
    mounted = true;
    station = await spawnStation({ args: ['--images', images] });
  });
  after(async () => {
    const code = station ? await station.stop() : 0;
    if (mounted) execFileSync('umount', [images]);
    loop?.detach();
    rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, 'the station stopped cleanly');
  });

  it('cuts a body dripped a byte every 20 s at the floor rate, and the slot is free again', async () => {
    const before = folderEntries(images);
    const drip = await openConnection(station.port);
    const dripAnswer = answerOf(drip, RATE_WINDOW_MS + SLACK_MS + 20_000);
    drip.write(uploadHead(request('drip.raw'), 4 * MiB));
    drip.write('x');
    const dripping = setInterval(() => drip.write('x'), 20_000);
    try {
      await pause(500);
      const meanwhile = await putUpload(request('meanwhile.raw', { contentLength: MiB }));
      assert.equal(meanwhile.status, 429, 'the dripping upload holds the slot at first');
      await answersWithinASecond(station);
      const { closedAfterMs } = await dripAnswer;
      assert.ok(closedAfterMs >= RATE_WINDOW_MS - 1000 && closedAfterMs < RATE_WINDOW_MS + SLACK_MS, `cut after ${closedAfterMs} ms`);
    } finally {
      clearInterval(dripping);
      drip.destroy();
    }
    assert.deepEqual(await folderSettles(images, before), before, 'neither the file nor its part is left');
    const body = Buffer.alloc(MiB, 0x42);
    const next = await putUpload(request('next.raw'), body);
    assert.equal(next.status, 201, next.body);
    assert.ok(readFileSync(path.join(images, 'next.raw')).equals(body));
    await answersWithinASecond(station);
  });

  it('refuses an upload that would fill the disk to its last byte, keeping a reserve', async () => {
    const before = folderEntries(images);
    const { bavail, blocks, bsize } = statfsSync(images);
    const free = bavail * bsize;
    const everything = await putUpload(request('fills-the-disk.raw', { contentLength: free }));
    assert.equal(everything.status, 507, everything.body);
    assert.match(everything.body, /The station’s disk has [\d.]+ MB free and keeps [\d.]+ MB of it for its own work; “fills-the-disk\.raw” needs [\d.]+ MB/);
    const justPastReserve = await putUpload(request('past-reserve.raw', { contentLength: free - uploadReserve(blocks * bsize) + 1 }));
    assert.equal(justPastReserve.status, 507, justPastReserve.body);
    assert.deepEqual(folderEntries(images), before, 'nothing was written');
    assert.ok(statfsSync(images).bavail * bsize >= free - bsize, 'the free space is as it was');
    await answersWithinASecond(station);
  });
});
