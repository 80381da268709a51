/**
 * Discards a whole card before an image goes on (BLKDISCARD), so nothing from its last use (a
 * reused fleet card holding another site's Wi-Fi passphrase) survives in the new filesystems'
 * free space or past the image's end: the image writes only its filesystems' data, and the rest
 * of the card would keep whatever it held. Where the card cannot be discarded, the result says
 * old data may remain; that is never a failure, and the write goes on either way (a discard that
 * stopped part way leaves the card as writable as before).
 *
 * Node has no ioctl, so a system program makes the call:
 * - a card the writer opened by its path (as root: sudo, or pkexec's launcher): util-linux's
 *   `blkdiscard`, present wherever udev is. With `--force`, because the writer already holds the
 *   card exclusively (O_EXCL), which refuses blkdiscard's own exclusive open; ours keeps anyone
 *   else (a desktop's automounter) off the card meanwhile.
 * - a card UDisks2 opened for an unprivileged writer: the writer has only the descriptor.
 *   blkdiscard takes a path, and reopening the descriptor through /dev/fd/N is refused to a user
 *   without rights to the device node (which is why UDisks2 opened it). BLKDISCARD on the open
 *   descriptor needs no more than the write access it already carries, so Python's fcntl.ioctl
 *   makes the call on the descriptor handed to it; without python3 the result says so.
 * Which cards take a discard: those whose queue says so (/sys/block/<dev>/queue/discard_max_bytes
 * above 0): SD slots, NVMe and SATA SSDs, loop devices; most USB card readers do not.
 */
import { spawn } from 'node:child_process';
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { KeptReason, OldData } from '../../shared/domain/old-data';
import { findTool, SYSTEM_PATH } from '../core/system-tools';
import { PROBE_BLOCK, probeOffsets } from './capacity-probe';

/** A target as the writer holds it (TargetIO has it): its device, its size (null: an image file), and reads from the medium. */
export interface DiscardTarget {
  device: string;
  size: number | null;
  read(offset: number, length: number): Promise<Buffer>;
}

export interface DiscardOptions {
  /** The descriptor UDisks2 opened the card with, when that is how the writer holds it. */
  descriptor?: number;
  /** False for --no-discard: the card keeps its old contents, and the result says so. */
  enabled: boolean;
  signal?: AbortSignal;
}

/** The descriptor's place in the helper's own descriptors: stdin, stdout, stderr, then this one. */
const HELPER_FD = 3;
/**
 * BLKDISCARD (linux/fs.h: _IO(0x12, 119)) over [0, size) of the descriptor on fd 3. `-I` keeps
 * the user's PYTHON* variables and site packages out.
 */
const DESCRIPTOR_DISCARD = `import fcntl, struct, sys\nfcntl.ioctl(${HELPER_FD}, 0x1277, struct.pack('QQ', 0, int(sys.argv[1])))`;

const kept = (reason: KeptReason, detail?: string): OldData => ({ discarded: false, reason, ...(detail ? { detail: detail.slice(0, 300) } : {}) });

/** The largest discard the card's queue takes; 0 when it takes none (or sysfs cannot say). */
export async function discardMaxBytes(device: string): Promise<number> {
  try {
    const name = path.basename(await realpath(device));
    const max = Number((await readFile(`/sys/class/block/${name}/queue/discard_max_bytes`, 'utf8')).trim());
    return Number.isFinite(max) ? max : 0;
  } catch {
    return 0;
  }
}

/**
 * Whether the card still returns old data after it acknowledged the discard. A discard is a
 * request: an SD card's "discard" leaves a block's bytes undefined until the card reuses it, so a
 * card may drop the data later, or never. The capacity probe's blocks, spread over the whole card,
 * are read from the medium: erased flash reads as all zeros or all ones, anything else is data.
 * A block that held zeros before proves nothing, so this finds cards that keep data, never proves
 * one does not.
 */
export async function stillReadable(target: Pick<DiscardTarget, 'read'>, size: number): Promise<boolean> {
  for (const offset of probeOffsets(size)) {
    const block = await target.read(offset, PROBE_BLOCK);
    const erased = block[0];
    if ((erased !== 0x00 && erased !== 0xff) || block.some((byte) => byte !== erased)) return true;
  }
  return false;
}

/** The last line a program said on stderr, without its own name: "BLKDISCARD ioctl failed: Operation not supported". */
function lastWords(stderr: string): string {
  const line = stderr.trim().split('\n').at(-1) ?? '';
  return line.replace(/^blkdiscard: [^:]+: /, '').replace(/^\w*Error: (\[Errno \d+\] )?/, '').trim();
}

/** Runs the program (the card's descriptor, when given, as its fd 3); resolves with its stderr on failure, null on success. */
function runDiscard(command: string, args: string[], descriptor: number | undefined, signal: AbortSignal | undefined): Promise<string | null> {
  return new Promise((resolve) => {
    const stdio: Array<'ignore' | 'pipe' | number> = ['ignore', 'ignore', 'pipe'];
    if (descriptor !== undefined) stdio[HELPER_FD] = descriptor;
    // Root's blkdiscard runs with the system folders only; an unprivileged writer's python3 runs as the user's own.
    const env = descriptor === undefined ? { PATH: SYSTEM_PATH } : process.env;
    const child = spawn(command, args, { stdio, env: { ...env, LC_ALL: 'C' }, ...(signal ? { signal } : {}) });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-2000);
    });
    child.on('error', (error) => resolve(signal?.aborted ? 'cancelled' : error.message));
    child.on('close', (code) => resolve(code === 0 ? null : signal?.aborted ? 'cancelled' : lastWords(stderr) || `${path.basename(command)} exited with ${code}`));
  });
}

/**
 * Discards the whole card and says how that went. An image file is not a card: it was emptied
 * when opened, so it has no old contents (undefined).
 */
export async function discardCard(target: DiscardTarget, options: DiscardOptions): Promise<OldData | undefined> {
  if (target.size === null) return undefined;
  if (!options.enabled) return kept('turned-off');
  if (process.platform !== 'linux') return kept('other-system');
  if ((await discardMaxBytes(target.device)) === 0) return kept('unsupported');
  const { descriptor } = options;
  const [tool, args] = descriptor === undefined
    ? ['blkdiscard', ['--force', target.device]]
    : ['python3', ['-I', '-c', DESCRIPTOR_DISCARD, String(target.size)]];
  const found = findTool(tool);
  if (!found) return kept('no-tool', tool === 'blkdiscard' ? 'blkdiscard (util-linux) is not installed' : 'python3 is not installed, which discards a card the system’s disk service opened');
  const failure = await runDiscard(found, args, descriptor, options.signal);
  if (failure !== null) return kept('failed', failure);
  return (await stillReadable(target, target.size)) ? kept('still-readable') : { discarded: true };
}
