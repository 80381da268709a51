/**
 * An empty FAT32 or exFAT filesystem for a restored card, made by the system's own mkfs.vfat
 * (dosfstools) or mkfs.exfat (exfatprogs) in a sparse scratch file the size of the partition, then
 * copied onto the card through the card's open handle. Why the tools and not our own FAT writer:
 * FAT32 and exFAT have many rules readers check (cluster sizes for the volume size, FSInfo and
 * backup boot sectors, exFAT's up-case table and boot checksum); the maintained tools get them
 * right. Why a scratch file and not the card: the writer may hold the card only as a descriptor
 * UDisks2 opened for it (no root, so no loop device over the partition, and the tools cannot be
 * handed a descriptor), and partition nodes (/dev/sdb1) appear only when udev runs.
 *
 * Only the filesystem's head is copied: everything up to the end of its root directory, holes
 * as zeros (boot sectors, FATs or allocation bitmap and up-case table, the root directory). The
 * rest is free clusters, whose old bytes no reader looks at.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FiotError } from '../../shared/errors';
import type { RestoreFilesystem } from '../../shared/domain/restore';
import { SECTOR } from './mbr';
import { alignedBuffer, type TargetIO } from './target-io';

const run = promisify(execFile);
/** A UTF-8 locale, so mkfs.exfat stores a label such as “Feldkit Ü” as Unicode. */
const TOOL_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C.UTF-8' };
const MKFS = { fat32: '/usr/sbin/mkfs.vfat', exfat: '/usr/sbin/mkfs.exfat' } as const;
const COPY_CHUNK = 1024 * 1024;

async function mkfs(file: string, filesystem: RestoreFilesystem, label: string, hiddenSectors: number): Promise<void> {
  // -h: FAT's "hidden sectors" is the partition's start, as if made on /dev/sdX1.
  const args = filesystem === 'fat32' ? ['-F', '32', '-n', label, '-h', String(hiddenSectors), file] : ['-L', label, file];
  try {
    await run(MKFS[filesystem], args, { env: TOOL_ENV });
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    if (code === 'ENOENT') throw new FiotError('PREFLIGHT_FAILED', `${MKFS[filesystem]} is not installed.`, 'Install dosfstools (mkfs.vfat) and exfatprogs (mkfs.exfat), then try again.');
    throw new FiotError('WRITE_FAILED', `${MKFS[filesystem]} failed: ${(stderr ?? (error as Error).message).trim().slice(0, 400)}`, 'The card is erased but not formatted: run restore again; if it fails the same way, try another card.');
  }
}

/** Where the new filesystem's metadata ends: the end of its root directory's first cluster, read from its boot sector. */
export function filesystemHeadBytes(boot: Buffer, filesystem: RestoreFilesystem): number {
  if (filesystem === 'fat32') {
    const bytesPerSector = boot.readUInt16LE(11);
    const sectorsPerCluster = boot[13]!;
    const reserved = boot.readUInt16LE(14);
    const fats = boot[16]!;
    const fatSectors = boot.readUInt32LE(36);
    const rootCluster = boot.readUInt32LE(44);
    return bytesPerSector * (reserved + fats * fatSectors + (rootCluster - 1) * sectorsPerCluster);
  }
  // exFAT (exfatprogs): the allocation bitmap, the up-case table, then the root directory, in the heap's first clusters.
  const sectorShift = boot[108]!;
  const clusterShift = sectorShift + boot[109]!;
  const heapOffset = boot.readUInt32LE(88) * 2 ** sectorShift;
  const rootCluster = boot.readUInt32LE(96);
  return heapOffset + (rootCluster - 1) * 2 ** clusterShift;
}

/** Makes the filesystem and writes it onto the card's partition at `span`. */
export async function writeFreshFilesystem(io: TargetIO, span: { offset: number; size: number }, filesystem: RestoreFilesystem, label: string): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fiot-restore-'));
  try {
    const file = path.join(dir, 'partition.img');
    const scratch = await open(file, 'w+', 0o600);
    try {
      await scratch.truncate(span.size);
      await mkfs(file, filesystem, label, span.offset / SECTOR);
      const boot = Buffer.alloc(SECTOR);
      await scratch.read(boot, 0, SECTOR, 0);
      const head = filesystemHeadBytes(boot, filesystem);
      if (!(head > 0 && head <= span.size)) throw new FiotError('WRITE_FAILED', `${MKFS[filesystem]} made a filesystem this app cannot read the layout of.`);
      const chunk = alignedBuffer(COPY_CHUNK);
      for (let at = 0; at < head; at += COPY_CHUNK) {
        const length = Math.min(COPY_CHUNK, head - at);
        const piece = chunk.subarray(0, length).fill(0);
        await scratch.read(piece, 0, length, at);
        await io.write(piece, span.offset + at);
      }
    } finally {
      await scratch.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
