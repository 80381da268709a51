/**
 * One open target: a block device through etcher-sdk's BlockDevice (O_DIRECT, O_EXCL), or a
 * regular file through its File. Every write and read here is aligned, so O_DIRECT never sees a
 * misaligned buffer; reads go around the page cache, so verification sees what the device holds.
 */
import { promises as fs, constants } from 'node:fs';
import { createRequire } from 'node:module';
// Only the two classes used: etcher-sdk's index also loads its scanners, USB boot and HTTP sources.
import { BlockDevice } from 'etcher-sdk/build/source-destination/block-device';
import { File } from 'etcher-sdk/build/source-destination/file';
import type { Drive as DrivelistDrive } from 'drivelist';
import type { Drive } from '../../shared/domain/drive';
import { descriptorHandle } from './descriptor-handle';
import { FlushBehind } from './flush-behind';
import { classifyIoError } from './io-errors';

// A native addon without an ES module entry: loaded through require.
const { getAlignedBuffer } = createRequire(import.meta.url)('@ronomon/direct-io') as typeof import('@ronomon/direct-io');

/** 4 KiB covers 512-byte and 4Kn devices, and O_DIRECT on common filesystems. */
export const ALIGNMENT = 4096;

/** Bytes written between background flushes: 256 MiB, ~6 s of an SD card, <0.3 s of a loop device. */
const FLUSH_BEHIND_BYTES = 256 << 20;

export function alignedBuffer(size: number): Buffer {
  return getAlignedBuffer(Math.max(ALIGNMENT, Math.ceil(size / ALIGNMENT) * ALIGNMENT), ALIGNMENT);
}

/**
 * etcher-sdk's BlockDevice, opened without its unmount step: mountutils matches mounts by prefix,
 * so unmounting /dev/loop3 would also unmount /dev/loop30. The writer unmounts exactly the
 * target's own partitions before opening; O_EXCL then refuses anything still using the device.
 * Opened once, not retried: etcher-sdk's retry on EBUSY would wait minutes on a busy card.
 */
class ExclusiveBlockDevice extends BlockDevice {
  protected override async _open(): Promise<void> {
    this.fileHandle = await fs.open(this.path, this.getOpenFlags());
  }
}

/** A drive opened for this writer by someone allowed to (UDisks2): its inherited descriptor stands in for the path. */
class InheritedBlockDevice extends BlockDevice {
  constructor(drive: DrivelistDrive, private readonly descriptor: number) {
    super({ drive, write: true, direct: true, keepOriginal: true });
  }

  protected override async _open(): Promise<void> {
    this.fileHandle = descriptorHandle(this.descriptor);
  }
}

/** A regular file opened with O_DIRECT when its filesystem allows it (tmpfs does not), never through a symlink. */
class DirectFile extends File {
  constructor(file: string, readonly direct: boolean) {
    super({ path: file, write: true });
  }

  protected override getOpenFlags(): number {
    return super.getOpenFlags() | constants.O_NOFOLLOW | (this.direct ? constants.O_DIRECT : 0);
  }
}

function drivelistShape(drive: Drive): DrivelistDrive {
  return {
    device: drive.device,
    raw: drive.device,
    devicePath: null,
    description: drive.description,
    size: drive.size,
    isReadOnly: drive.isReadOnly,
    isSystem: drive.isSystem,
    mountpoints: [],
    blockSize: 512,
    logicalBlockSize: 512,
    busType: 'UNKNOWN',
    busVersion: null,
    enumerator: 'fiot-writer',
    error: null,
    isCard: null,
    isRemovable: drive.isRemovable,
    isSCSI: null,
    isUAS: null,
    isUSB: null,
    isVirtual: drive.isVirtual,
    partitionTableType: null,
  } as DrivelistDrive;
}

export class TargetIO {
  /** Bytes the device took without an error, for the counterfeit report. */
  private accepted = 0;
  /** Flushes started while writing (flush-behind.ts). */
  private readonly flushes = new FlushBehind(() => this.handle.datasync(), FLUSH_BEHIND_BYTES);

  private constructor(
    readonly device: string,
    private readonly destination: File,
    /** Bytes the target holds; null for a regular file, which grows. */
    readonly size: number | null,
  ) {}

  /** `descriptor`: the drive is already open (inherited), the writer never opens its path. */
  static async open(drive: Drive, imageSize: number | null, descriptor?: number): Promise<TargetIO> {
    try {
      if (drive.kind === 'file') return await TargetIO.openFile(drive, imageSize);
      const shape = drivelistShape(drive);
      const device = descriptor === undefined ? new ExclusiveBlockDevice({ drive: shape, write: true, direct: true, keepOriginal: true }) : new InheritedBlockDevice(shape, descriptor);
      await device.open();
      return new TargetIO(drive.device, device, drive.size);
    } catch (error) {
      throw classifyIoError(error, drive.device);
    }
  }

  /**
   * A card or image file that already holds an image, opened to change it in place (provisioning
   * a written card): nothing is emptied, and a file keeps its length.
   */
  static async openInPlace(drive: Drive, descriptor?: number): Promise<TargetIO> {
    if (drive.kind !== 'file') return TargetIO.open(drive, null, descriptor);
    try {
      return await TargetIO.openDirectFile(drive.device, drive.size);
    } catch (error) {
      throw classifyIoError(error, drive.device);
    }
  }

  /**
   * A new file is created with O_EXCL (a file or link that appeared since the checks is never
   * written); an image file that was there is emptied, never through a symlink. Either way it
   * starts empty, so unwritten ranges read as zeros.
   */
  private static async openFile(drive: Drive, imageSize: number | null): Promise<TargetIO> {
    const fresh = drive.size === null;
    const flags = constants.O_WRONLY | constants.O_NOFOLLOW | (fresh ? constants.O_CREAT | constants.O_EXCL : 0);
    const handle = await fs.open(drive.device, flags, 0o644);
    try {
      await handle.truncate(0);
      if (imageSize !== null) await handle.truncate(imageSize);
    } finally {
      await handle.close();
    }
    return TargetIO.openDirectFile(drive.device, null);
  }

  /** O_DIRECT where the file's filesystem allows it (tmpfs does not); `size` null: the file grows as written. */
  private static async openDirectFile(path: string, size: number | null): Promise<TargetIO> {
    for (const direct of [true, false]) {
      const file = new DirectFile(path, direct);
      try {
        await file.open();
        return new TargetIO(path, file, size);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EINVAL' || !direct) throw error;
      }
    }
    throw new Error('unreachable');
  }

  /** Writes `data` (from an aligned buffer) at an aligned offset; a short tail is padded by read-modify-write. */
  async write(data: Buffer, offset: number): Promise<void> {
    try {
      if (offset % ALIGNMENT !== 0) return await this.writeUnaligned(data, offset);
      const whole = data.length - (data.length % ALIGNMENT);
      if (whole > 0) await this.writeFully(data.subarray(0, whole), offset);
      if (whole < data.length) await this.writeUnaligned(data.subarray(whole), offset + whole);
    } catch (error) {
      throw classifyIoError(error, this.device, { offset, accepted: this.accepted, claimedSize: this.size });
    }
  }

  private async writeFully(data: Buffer, offset: number): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.destination.write(data, done, data.length - done, offset + done);
      if (bytesWritten <= 0) throw Object.assign(new Error('the device accepted no more bytes'), { code: 'ENOSPC' });
      done += bytesWritten;
      this.accepted += bytesWritten;
    }
    this.flushes.wrote(data.length);
  }

  /**
   * Any offset, length and memory: whole aligned blocks are read, patched and written back. A card
   * need not end on a 4 KiB boundary (its size is whole 512-byte sectors, e.g. 4,296,875 of them):
   * the last block stops at the card's end, or the write would pass it and fail with ENOSPC.
   */
  private async writeUnaligned(data: Buffer, offset: number): Promise<void> {
    const start = Math.floor(offset / ALIGNMENT) * ALIGNMENT;
    const end = Math.min(Math.ceil((offset + data.length) / ALIGNMENT) * ALIGNMENT, this.size ?? Infinity);
    const block = await this.read(start, end - start);
    data.copy(block, offset - start);
    await this.writeFully(block, start);
  }

  /**
   * Reads [offset, offset+length) from the medium (O_DIRECT), not the page cache, into `into`
   * (aligned, large enough for the range widened to whole blocks) or a fresh buffer. Bytes past
   * the end of a file read as zeros.
   */
  async read(offset: number, length: number, into?: Buffer): Promise<Buffer> {
    const start = Math.floor(offset / ALIGNMENT) * ALIGNMENT;
    const end = Math.ceil((offset + length) / ALIGNMENT) * ALIGNMENT;
    const buffer = into && into.length >= end - start ? into : alignedBuffer(end - start);
    try {
      let done = 0;
      while (done < end - start) {
        const { bytesRead } = await this.destination.read(buffer, done, end - start - done, start + done);
        if (bytesRead <= 0) break;
        done += bytesRead;
      }
      buffer.fill(0, done, end - start);
    } catch (error) {
      throw classifyIoError(error, this.device);
    }
    return buffer.subarray(offset - start, offset - start + length);
  }

  /** etcher-sdk keeps the open handle protected; flushing and trimming need it. */
  private get handle(): fs.FileHandle {
    return (this.destination as unknown as { fileHandle: fs.FileHandle }).fileHandle;
  }

  /** Pushes written data to the medium before it is read back or reported done. */
  async flush(): Promise<void> {
    try {
      await this.flushes.flush();
    } catch (error) {
      throw classifyIoError(error, this.device);
    }
  }

  /** A file target ends exactly at the image's end, even where its last bytes were not written. */
  async setFileLength(imageSize: number): Promise<void> {
    if (this.size !== null) return;
    try {
      await this.handle.truncate(imageSize);
    } catch (error) {
      throw classifyIoError(error, this.device);
    }
  }

  async close(): Promise<void> {
    try {
      await this.flushes.settled();
      await this.destination.close();
    } catch {
      // Closing after a failure (a card pulled out) may fail again; the job's result already says why.
    }
  }

  get bypassesPageCache(): boolean {
    return !(this.destination instanceof DirectFile) || this.destination.direct;
  }
}
