/**
 * Restore a card to normal use, in the writer (the only code that opens a drive for writing): the
 * same target checks as a flash, then the old partition tables at both ends are erased (a Fedora
 * GPT image keeps a backup header in the last sectors), one MBR partition is written, and the
 * filesystem is made by the system's own mkfs.vfat (dosfstools) or mkfs.exfat (exfatprogs).
 *
 * Why the tools and not our own FAT writer: FAT32 and exFAT have many rules that readers check
 * (cluster sizes for the volume size, FSInfo and backup boot sectors, exFAT's up-case table and
 * boot checksum); the maintained tools get them right and are on every Linux. They run with
 * absolute paths and a fixed environment (the writer may be elevated), on a loop device over the
 * partition's byte range, because partition nodes (/dev/sdb1) appear only when udev is running.
 */
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { checkRestore, type RestoreResult } from '../../shared/domain/restore';
import { FiotError } from '../../shared/errors';
import { resolveTarget } from '../core/drives/resolve-target';
import { clearCardTables } from './held-tables';
import { onePartitionMbr, partitionSpan, PARTITION_START, PARTITION_TYPE, SECTOR } from './mbr';
import { unmountAll } from './prepare-targets';
import type { RestoreJob } from '../../shared/writer-protocol';
import { alignedBuffer, TargetIO } from './target-io';

const run = promisify(execFile);
/** A UTF-8 locale, so mkfs.exfat stores a label such as “Feldkit Ü” as Unicode. */
const TOOL_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C.UTF-8' };
const TOOLS = { losetup: '/usr/sbin/losetup', blockdev: '/usr/sbin/blockdev', fat32: '/usr/sbin/mkfs.vfat', exfat: '/usr/sbin/mkfs.exfat' } as const;

async function tool(file: string, args: string[]): Promise<string> {
  try {
    return (await run(file, args, { env: TOOL_ENV })).stdout;
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    if (code === 'ENOENT') throw new FiotError('PREFLIGHT_FAILED', `${file} is not installed.`, 'Install dosfstools (mkfs.vfat) and exfatprogs (mkfs.exfat), then try again.');
    throw new FiotError('WRITE_FAILED', `${file} failed: ${(stderr ?? (error as Error).message).trim().slice(0, 400)}`, 'The card is erased but not formatted: run restore again; if it fails the same way, try another card.');
  }
}

async function makeFilesystem(device: string, span: { offset: number; size: number }, filesystem: 'fat32' | 'exfat', label: string): Promise<void> {
  const loop = (await tool(TOOLS.losetup, ['--find', '--show', '--offset', String(span.offset), '--sizelimit', String(span.size), device])).trim();
  try {
    // -h: FAT's "hidden sectors" is the partition's start, as if made on /dev/sdX1.
    if (filesystem === 'fat32') await tool(TOOLS.fat32, ['-F', '32', '-n', label, '-h', String(span.offset / SECTOR), loop]);
    else await tool(TOOLS.exfat, ['-L', label, loop]);
  } finally {
    await tool(TOOLS.losetup, ['--detach', loop]).catch(() => undefined);
  }
}

export async function runRestore(job: RestoreJob): Promise<RestoreResult> {
  const drive = await resolveTarget(job.device);
  const { filesystem, size } = checkRestore(drive, job.label);
  const span = partitionSpan(size);
  await unmountAll(drive);
  const io = await TargetIO.open(drive, null);
  try {
    // No partition table at either end, old or new: the MBR/GPT header and an old disk's backup GPT.
    await clearCardTables(io, PARTITION_START);
    const head = alignedBuffer(SECTOR).fill(0);
    onePartitionMbr(span, PARTITION_TYPE[filesystem], randomInt(1, 2 ** 32 - 1)).copy(head);
    await io.write(head.subarray(0, SECTOR), 0);
    await io.flush();
  } finally {
    await io.close();
  }
  await makeFilesystem(drive.device, span, filesystem, job.label);
  // Tell the kernel about the new table; a busy or partitionless device (a loop without -P) may refuse, harmlessly.
  await tool(TOOLS.blockdev, ['--rereadpt', drive.device]).catch(() => undefined);
  return { device: drive.device, filesystem, label: job.label, partition: span };
}
