/**
 * "Save a card as an image" (`fiot-flash backup <drive> <file.raw.xz>`): a golden card becomes an
 * image this app writes to other cards. Only the blocks the card's filesystems use are read (the
 * allocation map the writer uses, electron/core/image-map); everything else goes into the image
 * as zeros. It is compressed the way osbuild compresses Fedora's images: `xz -0 -T0` in 1 MiB
 * blocks, so a flash of it reads the .xz index and decodes only the blocks holding data, by
 * random access. Optionally the machine's identity (machine ID, SSH host keys) is cleared in the
 * copy, never on the card. The card is held under its lock while it is read.
 *
 * The image ends where the last partition ends (rounded up to 1 MiB): a 6 GiB image on a 64 GB
 * card makes a 6 GiB image. A GPT card is saved whole, since its backup table sits in its last
 * sectors.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import type { BackupRequest, BackupResult } from '../../../shared/domain/backup';
import type { Drive } from '../../../shared/domain/drive';
import { isSystemDrive } from '../../../shared/drive-constraints';
import { FiotError } from '../../../shared/errors';
import { resolveTarget } from '../drives/resolve-target';
import { processFlashLocks, type FlashLocks } from '../flash/flash-locks';
import { mapImage, parsePartitionTable, TABLE_HEAD_BYTES, type ByteRange } from '../image-map';
import { openBlockIO, type OpenBlockIO } from '../provision/file-io';
import { findTool } from '../system-tools';
import { copyOnWrite } from './copy-on-write';
import { clearMachineIdentity } from './machine-identity';

const MiB = 1024 * 1024;
/** osbuild's xz block size: the unit a flash decodes by random access. */
export const XZ_BLOCK_BYTES = MiB;

export interface BackupProgress {
  /** Image bytes fed to the compressor so far, of `totalBytes`. */
  bytes: number;
  totalBytes: number;
}

export interface BackupDeps {
  resolveTarget?: (target: string) => Promise<Drive>;
  locks?: FlashLocks;
  onProgress?: (progress: BackupProgress) => void;
}

/** The card, checked: a card may be saved when it is not a system drive and nothing on it is mounted. */
export function checkBackupSource(drive: Drive): number {
  if (isSystemDrive(drive)) throw new FiotError('TARGET_SYSTEM', `${drive.device} is a system drive; this saves cards, not this computer's disks.`);
  if (drive.mountpoints.length) {
    throw new FiotError('TARGET_BUSY', `${drive.device} is mounted at ${drive.mountpoints.join(', ')}.`, 'Unmount it (e.g. `udisksctl unmount`), then try again: a mounted filesystem may change while it is read.');
  }
  if (!drive.size) throw new FiotError('TARGET_NOT_FOUND', `${drive.device} reports no size.`, 'Check that the card is in its reader.');
  return drive.size;
}

export function checkBackupOutput(output: string): void {
  if (!/\.xz$/i.test(output)) throw new FiotError('INVALID_INPUT', `${output} does not end in .xz: the image is saved xz-compressed.`, 'Name the file like golden.raw.xz.');
}

/** Where the image ends: after the last partition (whole MiB), or the whole card for GPT and for a card without a table. */
export function imageEnd(head: Buffer, cardSize: number): number {
  const partitions = parsePartitionTable(head, cardSize);
  const gpt = head.length >= 512 && [0, 1, 2, 3].some((i) => head[446 + i * 16 + 4] === 0xee);
  if (gpt || partitions.length === 0) return cardSize;
  const last = Math.max(...partitions.map((p) => p.offset + p.size));
  return Math.min(cardSize, Math.ceil(last / MiB) * MiB);
}

async function openCard(device: string, size: number): Promise<OpenBlockIO> {
  try {
    return await openBlockIO(device, size, { readOnly: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new FiotError('PERMISSION_DENIED', `Reading ${device} was refused.`, 'Run it with sudo, or as a user allowed to read the card (the disk group).');
    if (code === 'ENOENT' || code === 'ENXIO') throw new FiotError('TARGET_NOT_FOUND', `${device} is not there.`);
    throw error;
  }
}

/**
 * One 1 MiB piece of the image: the card's bytes where `ranges` (those inside the piece) say data
 * is, zeros elsewhere. The span from the first range's start to the last one's end is read at
 * once (a piece may hold hundreds of small ranges) and the gaps in it zeroed.
 */
async function imagePiece(at: number, end: number, ranges: ByteRange[], read: (offset: number, length: number) => Promise<Buffer>): Promise<Buffer> {
  const piece = Buffer.alloc(end - at);
  const from = Math.max(at, ranges[0]!.offset);
  const last = ranges.at(-1)!;
  const to = Math.min(end, last.offset + last.length);
  (await read(from, to - from)).copy(piece, from - at);
  let cursor = from;
  for (const range of ranges) {
    const start = Math.max(at, range.offset);
    if (start > cursor) piece.fill(0, cursor - at, start - at);
    cursor = Math.max(cursor, Math.min(end, range.offset + range.length));
  }
  return piece;
}

/** Feeds the image to `sink` in 1 MiB pieces: data ranges from `read`, zeros elsewhere. */
async function feedImage(sink: NodeJS.WritableStream, ranges: ByteRange[], size: number, read: (offset: number, length: number) => Promise<Buffer>, onProgress?: (progress: BackupProgress) => void): Promise<void> {
  const zeros = Buffer.alloc(XZ_BLOCK_BYTES);
  let next = 0;
  for (let at = 0; at < size; at += XZ_BLOCK_BYTES) {
    const end = Math.min(at + XZ_BLOCK_BYTES, size);
    while (next < ranges.length && ranges[next]!.offset + ranges[next]!.length <= at) next++;
    let last = next;
    while (last < ranges.length && ranges[last]!.offset < end) last++;
    // A piece without data is the shared zeros: the stream never changes what it is given.
    const piece = last > next ? await imagePiece(at, end, ranges.slice(next, last), read) : zeros.subarray(0, end - at);
    if (!sink.write(piece)) await once(sink, 'drain');
    onProgress?.({ bytes: end, totalBytes: size });
  }
  sink.end();
}

/** xz as osbuild runs it, writing the file; resolves when xz has exited cleanly. */
function startXz(out: FileHandle): { stdin: NodeJS.WritableStream; done: Promise<void> } {
  const xz = findTool('xz');
  if (!xz) throw new FiotError('PREFLIGHT_FAILED', 'xz is not installed.', 'Install xz (xz-utils), then try again.');
  const child = spawn(xz, ['-0', '-T0', `--block-size=${XZ_BLOCK_BYTES}`, '-c'], { stdio: ['pipe', out.fd, 'pipe'] }) as ChildProcessByStdio<Writable, null, Readable>;
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-2000);
  });
  child.stdin.on('error', () => undefined);
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (error) => reject(new FiotError('INTERNAL', `xz could not start: ${error.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new FiotError('WRITE_FAILED', `xz failed (exit ${code}): ${stderr.trim().slice(0, 400)}`))));
  });
  return { stdin: child.stdin, done };
}

export async function backupCard(request: BackupRequest, deps: BackupDeps = {}): Promise<BackupResult> {
  const started = Date.now();
  checkBackupOutput(request.output);
  const drive = await (deps.resolveTarget ?? resolveTarget)(request.device);
  const cardSize = checkBackupSource(drive);
  const unlock = (deps.locks ?? processFlashLocks).lockTargets([drive]);
  const part = `${request.output}.part`;
  let card: OpenBlockIO | undefined;
  let out: FileHandle | undefined;
  try {
    card = await openCard(drive.device, cardSize);
    const head = await card.read(0, Math.min(TABLE_HEAD_BYTES, cardSize));
    const size = imageEnd(head, cardSize);
    const copy = copyOnWrite(card.read, size);
    let cleared: string[] = [];
    if (request.clearIdentity) {
      const { partitions } = await mapImage(copy.read, size);
      cleared = await clearMachineIdentity(copy, partitions.filter((p) => p.fs === 'ext4'));
    }
    // Mapped after clearing: the copy's own filesystems say which blocks the image needs.
    const map = await mapImage(copy.read, size);
    await stat(request.output).then(
      () => {
        throw new FiotError('INVALID_INPUT', `${request.output} already exists.`, 'Choose another file name, or remove the old file first.');
      },
      () => undefined,
    );
    out = await open(part, 'wx', 0o644);
    const xz = startXz(out);
    const fed = feedImage(xz.stdin, map.dataRanges, size, copy.read, deps.onProgress);
    await Promise.all([fed, xz.done]);
    await out.sync();
    await out.close();
    out = undefined;
    await rename(part, request.output);
    const fileBytes = (await stat(request.output)).size;
    return { device: drive.device, output: request.output, imageSize: size, dataBytes: map.dataBytes, fileBytes, cleared, durationMs: Date.now() - started };
  } catch (error) {
    await out?.close().catch(() => undefined);
    await rm(part, { force: true });
    throw error;
  } finally {
    await card?.close().catch(() => undefined);
    unlock();
  }
}
