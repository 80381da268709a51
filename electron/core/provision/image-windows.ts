/**
 * Pieces of a decoded image kept in memory while the image streams past, enough to answer the
 * before-writing checks without the whole image: the partition table, each partition's superblock,
 * the first 32 MiB of `boot` (and, for the board check, the head of each FAT partition, where an ESP
 * keeps its FATs and first directories). A read of bytes not kept is noted (`misses`) and throws,
 * so a caller knows whether an answer rests on kept bytes alone. The core's source check fills the
 * windows from a decoder pass over a file (source-check.ts); the writer fills them from the image
 * it streams to the cards (electron/writer/image-checks.ts).
 */
import { getPartitions } from 'partitioninfo';
import type { ByteRange } from '../image-map';
import { BlockIODisk } from './io-disk';
import { readExtLabel } from './partitions';

const TABLE_BYTES = 1 << 20;
const SUPERBLOCK_END = 2048;
const BOOT_WINDOW = 32 << 20;
/** Missed bytes are kept in whole MiB, so one more pass usually brings a directory and its neighbours. */
const MISS_ALIGN = 1 << 20;

export function overlaps(a: ByteRange, b: ByteRange): boolean {
  return a.offset < b.offset + b.length && b.offset < a.offset + a.length;
}

interface ImageWindow {
  start: number;
  data: Buffer;
  done: boolean;
  /** Runs once the window is complete; may open further windows. */
  onDone?: () => Promise<void>;
  /** A partition's superblock, wanted only while `boot` is still to be found. */
  untilBoot?: boolean;
}

/** Pieces of the decoded image kept in memory, filled from one pass over the decoded stream. */
export class ImageWindows {
  readonly list: ImageWindow[] = [];
  /** Reads that asked for bytes this pass did not keep, widened to whole MiB. */
  readonly misses: ByteRange[] = [];
  /** Where `boot` lies, once its superblock has been read. */
  boot: ByteRange | null = null;

  constructor(readonly size: number) {}

  open(start: number, length: number, more: Pick<ImageWindow, 'onDone' | 'untilBoot'> & { prefix?: Buffer } = {}): void {
    const { prefix, ...rest } = more;
    const data = Buffer.alloc(Math.max(0, Math.min(length, this.size - start)));
    prefix?.copy(data);
    this.list.push({ start, data, done: false, ...rest });
  }

  /** Copies the chunk at `chunkStart` into every open window; windows opened meanwhile get it too. */
  async take(chunk: Buffer, chunkStart: number): Promise<void> {
    const chunkEnd = chunkStart + chunk.length;
    for (let i = 0; i < this.list.length; i++) {
      const window = this.list[i]!;
      if (window.done) continue;
      const end = window.start + window.data.length;
      const from = Math.max(window.start, chunkStart);
      const to = Math.min(end, chunkEnd);
      if (from < to) chunk.copy(window.data, from - window.start, from - chunkStart, to - chunkStart);
      if (chunkEnd >= end) {
        window.done = true;
        await window.onDone?.();
      }
    }
  }

  get complete(): boolean {
    // The root filesystem's superblock may lie gigabytes further: once `boot` is found, it can wait.
    return this.list.every((w) => w.done || (w.untilBoot && this.boot));
  }

  read = async (offset: number, length: number): Promise<Buffer> => {
    const window = this.list.find((w) => w.done && offset >= w.start && offset + length <= w.start + w.data.length);
    if (!window) {
      const start = Math.floor(offset / MISS_ALIGN) * MISS_ALIGN;
      this.misses.push({ offset: start, length: Math.ceil((offset + length) / MISS_ALIGN) * MISS_ALIGN - start });
      throw new Error(`byte ${offset} was not kept from the compressed image`);
    }
    return window.data.subarray(offset - window.start, offset - window.start + length);
  };

  /** Drops every kept piece (once the checks have their answers). */
  release(): void {
    this.list.length = 0;
  }

  /** Misses that matter to a check of `boot`: inside it (another partition's superblock, read while looking for it, does not). */
  bootMisses(): ByteRange[] {
    return this.misses.filter((span) => this.boot === null || overlaps(span, this.boot));
  }
}

/** MBR types of FAT filesystems (0xef: an ESP), and the GPT ESP and basic-data type GUIDs: where an EFI loader may lie. */
const FAT_MBR_TYPES = new Set([0x01, 0x04, 0x06, 0x0b, 0x0c, 0x0e, 0xef]);
const FAT_GPT_TYPES = new Set(['C12A7328-F81F-11D2-BA4B-00A0C93EC93B', 'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7']);

function mayHoldFat(type: number | string): boolean {
  return typeof type === 'number' ? FAT_MBR_TYPES.has(type) : FAT_GPT_TYPES.has(type.toUpperCase());
}

export interface ChecksToWatch {
  /** Find `boot` (each partition's superblock until it is found) and keep its first 32 MiB: the provisioning check. */
  boot: boolean;
  /** Keep this many bytes from the start of every FAT partition (the ESP's FATs and first directories): the board check. */
  fatHeads?: number;
}

/**
 * Opens the windows the checks read: the partition table, then what `checks` asks for. The
 * windows are complete once `boot`'s start and every FAT partition's head have passed.
 */
export function watchForChecks(windows: ImageWindows, checks: ChecksToWatch = { boot: true }): void {
  const { size } = windows;
  const watchPartition = (start: number, length: number) =>
    windows.open(start, SUPERBLOCK_END, {
      untilBoot: true,
      onDone: async () => {
        if ((await readExtLabel(windows.read, start)) !== 'boot') return;
        windows.boot = { offset: start, length };
        windows.open(start, BOOT_WINDOW, { prefix: await windows.read(start, SUPERBLOCK_END) });
      },
    });
  windows.open(0, TABLE_BYTES, {
    onDone: async () => {
      const table = await getPartitions(new BlockIODisk({ read: windows.read, size }), { includeExtended: false }).catch(() => null);
      for (const partition of table?.partitions ?? []) {
        if (partition.offset <= 0 || partition.offset >= size) continue;
        if (checks.boot) watchPartition(partition.offset, partition.size);
        if (checks.fatHeads && mayHoldFat(partition.type)) windows.open(partition.offset, Math.min(checks.fatHeads, partition.size));
      }
    },
  });
}
