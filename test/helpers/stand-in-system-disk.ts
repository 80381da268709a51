/**
 * A stand-in for the machine's system disk, so no test ever aims at a real one: a loop device over
 * a file this test made, partitioned, whose ext4 partition is mounted read-only at /srv (a system
 * mount point) in a private mount namespace. Processes run inside that namespace (`run`) see it as
 * the running system's disk through the app's real detection (/proc/self/mounts); code in the
 * test's own process can be handed the namespace's mount table (`mountsTable`). Beside the disk:
 * its partition node, a /dev/disk/by-id-style alias in a temp folder, and a symlink to that alias.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { createLoopDisk } from './loop';
import { commandsSkipReason, loopSkipReason } from './system';

const MiB = 1024 * 1024;
const SYSTEM_MOUNTPOINT = '/srv';

export interface StandInSystemDisk {
  device: string;
  /** Every name a person could give it: the disk, its partition, the by-id alias, a link to the alias. */
  names: { disk: string; partition: string; alias: string; link: string };
  /** The mount table as processes inside the namespace see it. */
  mountsTable(): string;
  /** Runs a command inside the namespace, where the disk holds a system mount. */
  run(command: string, args: string[], options?: { input?: string; timeout?: number }): SpawnSyncReturns<string>;
  /** The command line that runs `command` inside the namespace, for a caller that spawns it itself. */
  wrap(command: string, args: string[]): [string, string[]];
  /** sha256 of every byte of the disk, read from its backing file. */
  sha256(): string;
  /** Sectors written to the disk (any partition included) since it was ready. */
  sectorsWritten(): number;
  dispose(): Promise<void>;
}

/** Why the stand-in cannot be made here, or null. */
export function standInSkipReason(): string | null {
  return loopSkipReason() ?? commandsSkipReason('unshare', 'nsenter', 'sfdisk', 'partx', 'mkfs.ext4', 'mount');
}

async function untilReady(child: ChildProcess): Promise<void> {
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (text: Buffer) => {
      output += text.toString();
      if (output.includes('ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the mount namespace did not come up (exit ${code}): ${output}`)));
  });
}

export async function createStandInSystemDisk(): Promise<StandInSystemDisk> {
  const disk = createLoopDisk(64 * MiB, 'fiot-system-standin-', { partitions: true });
  let holder: ChildProcess | null = null;
  try {
    execFileSync('sfdisk', ['-q', disk.device], { input: 'label: gpt\n,32M,L\n', stdio: ['pipe', 'ignore', 'pipe'] });
    // The kernel does not scan loop devices for partitions here: add the partition node explicitly.
    execFileSync('partx', ['-a', disk.device]);
    const partition = `${disk.device}p1`;
    execFileSync('mkfs.ext4', ['-q', '-L', 'standin-root', partition]);
    // Read-only and without the journal: the disk's bytes stay exactly as they are while mounted.
    // The holder lives until its stdin closes, so a test process that dies takes the namespace along.
    holder = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `mount -o ro,noload ${partition} ${SYSTEM_MOUNTPOINT} && echo ready && exec cat >/dev/null`], { stdio: ['pipe', 'pipe', 'inherit'] });
    await untilReady(holder);
    const pid = holder.pid!;
    // Counted from here: making the disk (table, filesystem) wrote to it, tests must not.
    const writtenBase = disk.sectorsWritten();
    const byId = path.join(disk.dir, 'disk', 'by-id');
    mkdirSync(byId, { recursive: true });
    const alias = path.join(byId, 'usb-FIOT_Stand-in_System_Disk_0001-0:0');
    symlinkSync(disk.device, alias);
    const link = path.join(disk.dir, 'system-disk');
    symlinkSync(alias, link);
    const wrap = (command: string, args: string[]): [string, string[]] => ['nsenter', ['-t', String(pid), '-m', '--', command, ...args]];
    const running = holder;
    return {
      device: disk.device,
      names: { disk: disk.device, partition, alias, link },
      mountsTable: () => readFileSync(`/proc/${pid}/mounts`, 'utf8'),
      wrap,
      run(command, args, options = {}) {
        const [outer, outerArgs] = wrap(command, args);
        return spawnSync(outer, outerArgs, { encoding: 'utf8', input: options.input ?? '', timeout: options.timeout ?? 120_000 });
      },
      sha256: () => createHash('sha256').update(readFileSync(disk.backingFile)).digest('hex'),
      sectorsWritten: () => disk.sectorsWritten() - writtenBase,
      async dispose() {
        // The namespace, and the mount only it holds, go away with its last process.
        const gone = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGKILL');
        await gone;
        disk.dispose();
      },
    };
  } catch (error) {
    holder?.kill('SIGKILL');
    disk.dispose();
    throw error;
  }
}
