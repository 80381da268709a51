/**
 * Issue 18, item 1: a station client resolved a loop device outside the images folder, mounted
 * at /tmp/vm, and flashed it: the station unmounted it and overwrote it. Now a station's clients
 * write only the removable cards the station lists (here the stand-in cards of FIOT_TEST_CARD_DIR),
 * and a mounted card is refused, never unmounted on a client's word. A real station process, real
 * loop devices over files this test made, a real ext4 mounted on one of them.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { WebSocket } from 'ws';
import { writeDiskImage } from '../helpers/disk-image';
import { createLoopDisk, insertTestCard, type LoopDevice } from '../helpers/loop';
import { callApi, flashDone, openApi, stationAnswers } from '../helpers/station-client';
import { spawnStation, type StationProcess } from '../helpers/station-process';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';

const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? commandsSkipReason('mkfs.ext4', 'mount', 'umount') ?? false;

/** The first `length` bytes of a file. */
function head(file: string, length: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const out = Buffer.alloc(length);
    readSync(fd, out, 0, length, 0);
    return out;
  } finally {
    closeSync(fd);
  }
}

const isMounted = (mountpoint: string) => readFileSync('/proc/self/mounts', 'utf8').split('\n').some((line) => line.split(' ')[1] === mountpoint);

describe('a station writes only the cards it lists, and never unmounts on a client\'s word', { skip }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-card-targets-'));
  const images = path.join(dir, 'images');
  const cardDir = path.join(dir, 'cards');
  const image = path.join(images, 'fedora.raw');
  const cleanups: Array<() => void> = [];
  let station: StationProcess;
  let ws: WebSocket;
  let id = 0;
  const ask = (channel: string, args: unknown) => callApi(ws, ++id, channel, args);
  const doneOf = (jobId: string) => flashDone(ws, jobId);

  function insertCard(name: string): LoopDevice {
    const card = insertTestCard(cardDir, name, 32 * MiB);
    cleanups.push(() => card.detach());
    return card;
  }

  /** An ext4 on the device, mounted, holding one file of someone's. */
  function mountWithFile(device: string, where: string): string {
    execFileSync('mkfs.ext4', ['-q', device]);
    mkdirSync(where, { recursive: true });
    execFileSync('mount', [device, where]);
    cleanups.push(() => execFileSync('umount', [where]));
    const file = path.join(where, 'notes.txt');
    writeFileSync(file, 'the owner\'s notes\n');
    execFileSync('sync');
    return file;
  }

  before(async () => {
    mkdirSync(images);
    mkdirSync(cardDir);
    writeDiskImage(image, 8 * MiB);
    station = await spawnStation({ args: ['--images', images], env: { FIOT_TEST_CARD_DIR: cardDir } });
    ws = await openApi(station.port, station.token);
  });
  afterEach(() => assert.equal(station.running(), true, `the station died: ${station.stderr()}`));
  after(async () => {
    ws?.close();
    await station?.stop();
    // Unmount before detaching: last in, first out.
    for (const cleanup of cleanups.reverse()) {
      try {
        cleanup();
      } catch {
        // Already gone.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a loop device that is not one of its cards, mounted or not; the mounted one stays mounted, neither is written', async () => {
    const disk = createLoopDisk(32 * MiB, 'fiot-card-targets-disk-');
    cleanups.push(() => disk.dispose());
    const plain = createLoopDisk(32 * MiB, 'fiot-card-targets-plain-');
    cleanups.push(() => plain.dispose());
    const notes = mountWithFile(disk.device, path.join(dir, 'vm'));
    const before = head(disk.backingFile, MiB);
    for (const device of [disk.device, plain.device]) {
      const resolved = await ask('drives:resolve', { path: device });
      assert.equal(resolved.error?.code, 'PERMISSION_DENIED', device);
      assert.match(resolved.error!.message, /is not a removable card or stick this station lists/);
      const listed = await ask('drives:list', { all: true });
      assert.equal(listed.ok, true);
      const started = await ask('flash:start', { source: image, targets: [device], unmountConfirmed: true });
      assert.equal(started.error?.code, 'PERMISSION_DENIED', device);
    }
    assert.equal(isMounted(path.join(dir, 'vm')), true, 'still mounted');
    assert.equal(readFileSync(notes, 'utf8'), 'the owner\'s notes\n');
    assert.ok(head(disk.backingFile, MiB).equals(before), 'the mounted disk is as it was');
    assert.equal(plain.sectorsWritten(), 0, 'not a sector written to the other loop device');
    assert.equal(await stationAnswers(station.port, station.token), true);
  });

  it('refuses to flash or restore a mounted card even when the client says the unmount was confirmed; the card stays mounted and unwritten', async () => {
    const card = insertCard('mounted');
    const notes = mountWithFile(card.device, path.join(dir, 'card-mnt'));
    const before = head(card.backingFile, MiB);
    const listed = await ask('drives:list', {});
    assert.ok((listed.value as { drives: Array<{ device: string }> }).drives.some((d) => d.device === card.device), 'the card is listed');
    const started = await ask('flash:start', { source: image, targets: [card.device], unmountConfirmed: true });
    const result = started.ok ? await doneOf((started.value as { jobId: string }).jobId) : null;
    const error = result?.error ?? started.error;
    assert.equal(error?.code, 'TARGET_BUSY', JSON.stringify(error));
    assert.match(error!.message, /is mounted \(.*card-mnt\), and unmounting it was not confirmed: nothing was written/);
    // Restoring it to an empty drive erases it too: refused the same way.
    const restored = await ask('restore:start', { device: card.device, label: 'GONE', unmountConfirmed: true });
    assert.equal(restored.error?.code, 'TARGET_BUSY', JSON.stringify(restored.error));
    assert.equal(isMounted(path.join(dir, 'card-mnt')), true, 'still mounted');
    assert.equal(readFileSync(notes, 'utf8'), 'the owner\'s notes\n');
    assert.ok(head(card.backingFile, MiB).equals(before), 'the card is as it was');
    assert.equal(await stationAnswers(station.port, station.token), true);
  });

  it('writes a card it lists, named by path as well as from the list', async () => {
    const card = insertCard('fresh');
    const resolved = await ask('drives:resolve', { path: card.device });
    assert.equal(resolved.ok, true, JSON.stringify(resolved.error));
    const started = await ask('flash:start', { source: image, targets: [card.device] });
    assert.equal(started.ok, true, JSON.stringify(started.error));
    const result = await doneOf((started.value as { jobId: string }).jobId);
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.ok(head(card.backingFile, 8 * MiB).equals(readFileSync(image)));
  });
});
