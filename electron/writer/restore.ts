/**
 * Restore a card to normal use, in the writer (the only code that opens a drive for writing): the
 * same target checks as a flash, the card opened the way a flash opens it (its UDisks2
 * descriptor, or exclusively by path), its old contents discarded where it can (discard-card.ts:
 * the card goes back to normal use, often to someone else, and the image's first-boot config held
 * passwords), then the old partition tables at both ends are erased (a Fedora GPT image keeps a
 * backup header in the last sectors), one MBR partition is written, and an empty filesystem made
 * by the system's own tools goes into it (fresh-filesystem.ts).
 */
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { checkRestore, type RestoreResult } from '../../shared/domain/restore';
import { refuseMounted } from '../core/drives/check-targets';
import { resolveTarget } from '../core/drives/resolve-target';
import type { RestoreJob } from '../../shared/writer-protocol';
import { discardCard } from './discard-card';
import { writeFreshFilesystem } from './fresh-filesystem';
import { clearCardTables } from './held-tables';
import { onePartitionMbr, partitionSpan, PARTITION_START, PARTITION_TYPE, SECTOR } from './mbr';
import { admitTarget } from './prepare-targets';
import { alignedBuffer, TargetIO } from './target-io';

const run = promisify(execFile);

export async function runRestore(job: RestoreJob, elevated: boolean): Promise<RestoreResult> {
  const drive = await resolveTarget(job.device);
  const { filesystem, size } = checkRestore(drive, job.label);
  const span = partitionSpan(size);
  if (!job.unmountConfirmed) refuseMounted([drive]);
  await admitTarget(drive, elevated, job.descriptor);
  const io = await TargetIO.open(drive, null, job.descriptor);
  let oldData;
  try {
    oldData = await discardCard(io, { descriptor: job.descriptor, enabled: true });
    // No partition table at either end, old or new: the MBR/GPT header and an old disk's backup GPT.
    await clearCardTables(io, PARTITION_START);
    await writeFreshFilesystem(io, span, filesystem, job.label);
    const head = alignedBuffer(SECTOR).fill(0);
    onePartitionMbr(span, PARTITION_TYPE[filesystem], randomInt(1, 2 ** 32 - 1)).copy(head);
    await io.write(head.subarray(0, SECTOR), 0);
    await io.flush();
  } finally {
    await io.close();
  }
  // Tell the kernel about the new table; without root, a busy or partitionless device (a loop without -P) it may refuse, harmlessly.
  await run('/usr/sbin/blockdev', ['--rereadpt', drive.device], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } }).catch(() => undefined);
  return { device: drive.device, filesystem, label: job.label, partition: span, ...(oldData ? { oldData } : {}) };
}
