/**
 * MBR and GPT partition tables, read from the first bytes of an image.
 * Anything that is not a valid table yields no partitions, which makes the mappers write the
 * whole image: an unreadable table must never make bytes look free.
 */
import { crc32 } from 'node:zlib';
import type { PartitionInfo } from './types';

/** Enough for the MBR, a GPT header and 128 entries with 512 B or 4 KiB sectors. */
export const TABLE_HEAD_BYTES = 64 * 1024;

const MBR_SIGNATURE = 0xaa55;
const MBR_PROTECTIVE = 0xee;
const GPT_SIGNATURE = 'EFI PART';

/**
 * The partitions named by the table at the start of the image (`head` = its first 64 KiB, or the
 * whole image when smaller). Filesystems are not visible from here: every `fs` is 'other'.
 * Partitions are clipped to `imageSize` when it is known; empty ones are left out.
 */
export function parsePartitionTable(head: Buffer, imageSize: number | null): PartitionInfo[] {
  if (head.length < 512 || head.readUInt16LE(510) !== MBR_SIGNATURE) return [];
  const mbrEntries = [0, 1, 2, 3].map((i) => mbrEntry(head, i));
  if (mbrEntries.some((e) => e.type === MBR_PROTECTIVE)) return parseGpt(head, imageSize);
  // A FAT or NTFS boot sector also ends in 0x55aa; its "entries" then hold boot code, so only
  // accept a table whose entries are plausible.
  if (mbrEntries.some((e) => e.status !== 0 && e.status !== 0x80)) return [];
  const partitions: PartitionInfo[] = [];
  for (const [i, e] of mbrEntries.entries()) {
    if (e.type === 0 || e.sectors === 0) continue;
    const part = clip(
      {
        index: i + 1,
        offset: e.firstSector * 512,
        size: e.sectors * 512,
        type: `0x${e.type.toString(16).padStart(2, '0')}`,
        bootable: e.status === 0x80,
        fs: 'other',
      },
      imageSize,
    );
    if (part) partitions.push(part);
  }
  return partitions;
}

function mbrEntry(head: Buffer, i: number) {
  const at = 446 + i * 16;
  return { status: head[at]!, type: head[at + 4]!, firstSector: head.readUInt32LE(at + 8), sectors: head.readUInt32LE(at + 12) };
}

function parseGpt(head: Buffer, imageSize: number | null): PartitionInfo[] {
  for (const sector of [512, 4096]) {
    const partitions = parseGptWithSector(head, sector, imageSize);
    if (partitions) return partitions;
  }
  return [];
}

/** null when there is no valid GPT header at LBA 1 for this sector size. */
function parseGptWithSector(head: Buffer, sector: number, imageSize: number | null): PartitionInfo[] | null {
  if (head.length < sector * 2) return null;
  const header = head.subarray(sector, sector * 2);
  if (header.toString('latin1', 0, 8) !== GPT_SIGNATURE) return null;
  const headerSize = header.readUInt32LE(12);
  if (headerSize < 92 || headerSize > sector) return null;
  const forCrc = Buffer.from(header.subarray(0, headerSize));
  forCrc.writeUInt32LE(0, 16);
  if (crc32(forCrc) !== header.readUInt32LE(16)) return null;

  const entriesAt = Number(header.readBigUInt64LE(72)) * sector;
  const count = header.readUInt32LE(80);
  const entrySize = header.readUInt32LE(84);
  if (entrySize < 128 || count > 4096 || entriesAt + count * entrySize > head.length) return null;
  const entries = head.subarray(entriesAt, entriesAt + count * entrySize);
  if (crc32(entries) !== header.readUInt32LE(88)) return null;

  const partitions: PartitionInfo[] = [];
  for (let i = 0; i < count; i++) {
    const e = entries.subarray(i * entrySize, (i + 1) * entrySize);
    if (e.subarray(0, 16).every((b) => b === 0)) continue;
    const first = Number(e.readBigUInt64LE(32));
    const last = Number(e.readBigUInt64LE(40));
    if (last < first) continue;
    const part = clip(
      {
        index: i + 1,
        offset: first * sector,
        size: (last - first + 1) * sector,
        type: guidString(e.subarray(0, 16)),
        fs: 'other',
        name: e.toString('utf16le', 56, 128).replace(/\0.*$/s, ''),
      },
      imageSize,
    );
    if (part) partitions.push(part);
  }
  return partitions;
}

/** GUIDs store their first three fields little-endian. */
function guidString(b: Buffer): string {
  const hex = (buf: Buffer) => buf.toString('hex');
  const le = (start: number, end: number) => hex(Buffer.from(b.subarray(start, end)).reverse());
  return `${le(0, 4)}-${le(4, 6)}-${le(6, 8)}-${hex(b.subarray(8, 10))}-${hex(b.subarray(10, 16))}`.toUpperCase();
}

/** A partition cut to the image's end; null when nothing of it is inside the image. */
function clip(part: PartitionInfo, imageSize: number | null): PartitionInfo | null {
  if (imageSize === null) return part;
  if (part.offset >= imageSize) return null;
  return { ...part, size: Math.min(part.size, imageSize - part.offset) };
}
