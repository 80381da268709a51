/**
 * A restored card checked as a person would: sfdisk shows one partition, and the filesystem's own
 * checker (fsck.vfat -n) accepts it on a loop device over that partition.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export interface RestoredPartition {
  type: string;
  start: number;
  size: number;
  fsck: { status: number | null; output: string };
  label: string;
}

export function checkRestoredFat(device: string): { table: string; partitions: RestoredPartition[] } {
  const { partitiontable } = JSON.parse(execFileSync('sfdisk', ['--json', device], { encoding: 'utf8' })) as {
    partitiontable: { label: string; partitions: Array<{ start: number; size: number; type: string }> };
  };
  const partitions = partitiontable.partitions.map((part) => {
    const loop = execFileSync('losetup', ['--find', '--show', '--offset', String(part.start * 512), '--sizelimit', String(part.size * 512), device], { encoding: 'utf8' }).trim();
    try {
      const check = spawnSync('fsck.vfat', ['-n', loop], { encoding: 'utf8' });
      const label = spawnSync('fatlabel', [loop], { encoding: 'utf8' }).stdout.trim();
      return { ...part, fsck: { status: check.status, output: `${check.stdout}${check.stderr}` }, label };
    } finally {
      execFileSync('losetup', ['-d', loop]);
    }
  });
  return { table: partitiontable.label, partitions };
}
