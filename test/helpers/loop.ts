/**
 * Loop devices over files the test itself created: the only block devices tests ever write.
 * Every device is detached and its file removed when the test ends, pass or fail.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, openSync, closeSync, ftruncateSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LoopDevice {
  device: string;
  backingFile: string;
  /** Sectors (512 B) written to the device since it was attached, from /sys/block/loopN/stat. */
  sectorsWritten(): number;
  sectorsRead(): number;
  detach(): void;
}

/** `partitions`: let the device carry partition nodes (losetup -P), for a test that partitions it. */
export function attachLoop(backingFile: string, options: { partitions?: boolean } = {}): LoopDevice {
  const device = execFileSync('losetup', ['-f', ...(options.partitions ? ['-P'] : []), '--show', backingFile], { encoding: 'utf8' }).trim();
  const name = path.basename(device);
  const stat = () => readFileSync(`/sys/block/${name}/stat`, 'utf8').trim().split(/\s+/).map(Number);
  // The kernel keeps a loop device's counters across detach and re-attach: count from here.
  const base = stat();
  const readBase = base[2] ?? 0;
  const writtenBase = base[6] ?? 0;
  let attached = true;
  return {
    device,
    backingFile,
    sectorsWritten: () => (stat()[6] ?? 0) - writtenBase,
    sectorsRead: () => (stat()[2] ?? 0) - readBase,
    detach() {
      if (!attached) return;
      attached = false;
      execFileSync('losetup', ['-d', device]);
    },
  };
}

/** A new empty (sparse) card of `size` bytes at `file`, attached: a card put into a reader. */
export function attachNewCard(file: string, size: number, options: { partitions?: boolean } = {}): LoopDevice {
  const fd = openSync(file, 'w');
  ftruncateSync(fd, size);
  closeSync(fd);
  return attachLoop(file, options);
}

/** A fresh sparse file of `size` bytes in its own temp folder, attached as a loop device. */
export function createLoopDisk(size: number, prefix = 'fiot-card-', options: { partitions?: boolean } = {}): LoopDevice & { dir: string; dispose(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const loop = attachNewCard(path.join(dir, 'card.img'), size, options);
  return {
    ...loop,
    dir,
    dispose() {
      loop.detach();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh sparse card file of `size` bytes in a stand-in card-reader folder (FIOT_TEST_CARD_DIR), attached: the card is "inserted". */
export function insertTestCard(cardDir: string, name: string, size: number): LoopDevice {
  const file = path.join(cardDir, `${name}.img`);
  const fd = openSync(file, 'w');
  ftruncateSync(fd, size);
  closeSync(fd);
  return attachLoop(file);
}
