/**
 * Loop devices slowed to a real card's speed with the blkio cgroup (v1): each device gets its own
 * write and read limits (bytes per second and I/O per second), as each card reader has its own
 * bandwidth, and a command started in the cgroup is held to them. Only O_DIRECT I/O is throttled
 * (buffered writeback escapes the cgroup), which is how the writer and `dd oflag=direct` write.
 * The cgroup's `blkio.throttle.io_service_bytes` counts what really reached each device: the bytes
 * a flash moved, whatever the flash says about itself.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isRoot } from '../helpers/system';

const BLKIO = '/sys/fs/cgroup/blkio';

export interface CardSpeed {
  writeBytesPerSecond: number;
  readBytesPerSecond: number;
  writeIops: number;
  readIops: number;
}

/** An A1 SD card in a USB 3 reader. */
export const A1_CARD: CardSpeed = { writeBytesPerSecond: 40e6, readBytesPerSecond: 90e6, writeIops: 500, readIops: 1500 };

/** Seconds the card needs to take `bytes` and give them back: the floor no writer can beat. */
export function cardFloorSeconds(speed: CardSpeed, bytes: number): number {
  return bytes / speed.writeBytesPerSecond + bytes / speed.readBytesPerSecond;
}

/** Why cards cannot be slowed here, or null when they can. */
export function throttleSkipReason(): string | null {
  if (process.platform !== 'linux') return 'the blkio cgroup is Linux only';
  if (!isRoot()) return 'slowing a loop device needs root (the blkio cgroup)';
  if (!existsSync(path.join(BLKIO, 'blkio.throttle.write_bps_device'))) return `no cgroup v1 blkio controller at ${BLKIO} (cgroup v2 only machines have io.max instead)`;
  try {
    accessSync(BLKIO, constants.W_OK);
  } catch {
    return `${BLKIO} is not writable`;
  }
  return null;
}

export interface ServiceBytes {
  read: number;
  write: number;
}

export interface ThrottledCards {
  /** Starts a command in the cgroup: it and every child it starts are held to the cards' speed. */
  spawn(command: string, args: string[], options?: SpawnOptions): ChildProcess;
  /** Bytes read and written on `device` by processes of the cgroup so far. */
  serviceBytes(device: string): ServiceBytes;
  /**
   * Moves this process into the cgroup, so the children it starts from now on (a writer) are held
   * to the cards' speed too; returns the way back to the cgroup it was in.
   */
  enter(): () => void;
  /** Removes the cgroup; every process started in it must have ended. */
  remove(): void;
}

/** This process's blkio cgroup, as a path under the hierarchy's root. */
function ownCgroup(): string {
  const line = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => /^\d+:([^:]*,)?blkio(,[^:]*)?:/.test(l));
  return line ? line.slice(line.lastIndexOf(':') + 1) : '/';
}

function majorMinor(device: string): string {
  const { rdev } = statSync(device);
  // Linux's dev_t: the major number in bits 8-19, the minor in bits 0-7 and 20-31.
  return `${(rdev >> 8) & 0xfff}:${(rdev & 0xff) | ((rdev >> 12) & 0xfff00)}`;
}

let created = 0;

/** A new cgroup holding each of `devices` to `speed`. */
export function throttleCards(devices: string[], speed: CardSpeed): ThrottledCards {
  const dir = path.join(BLKIO, `fiot-bench-${process.pid}-${++created}`);
  mkdirSync(dir);
  const set = (file: string, line: string) => writeFileSync(path.join(dir, file), `${line}\n`);
  for (const device of devices) {
    const mm = majorMinor(device);
    set('blkio.throttle.write_bps_device', `${mm} ${speed.writeBytesPerSecond}`);
    set('blkio.throttle.read_bps_device', `${mm} ${speed.readBytesPerSecond}`);
    set('blkio.throttle.write_iops_device', `${mm} ${speed.writeIops}`);
    set('blkio.throttle.read_iops_device', `${mm} ${speed.readIops}`);
  }
  return {
    spawn(command, args, options = {}) {
      // The shell joins the cgroup, then becomes the command: nothing runs outside it.
      return spawn('sh', ['-c', 'echo $$ > "$0" && exec "$@"', path.join(dir, 'cgroup.procs'), command, ...args], options);
    },
    enter() {
      const before = path.join(BLKIO, ownCgroup(), 'cgroup.procs');
      writeFileSync(path.join(dir, 'cgroup.procs'), `${process.pid}\n`);
      return () => writeFileSync(before, `${process.pid}\n`);
    },
    serviceBytes(device) {
      const mm = majorMinor(device);
      const counted: ServiceBytes = { read: 0, write: 0 };
      for (const line of readFileSync(path.join(dir, 'blkio.throttle.io_service_bytes'), 'utf8').split('\n')) {
        const [who, op, bytes] = line.trim().split(/\s+/);
        if (who !== mm) continue;
        if (op === 'Read') counted.read = Number(bytes);
        if (op === 'Write') counted.write = Number(bytes);
      }
      return counted;
    },
    remove() {
      rmdirSync(dir);
    },
  };
}
