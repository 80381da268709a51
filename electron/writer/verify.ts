/**
 * Reading back what was written, from the medium rather than the page cache, and comparing it
 * with what was meant: a digest for the streamed body (computed while writing, so nothing is kept
 * in memory), the bytes themselves for the held-back head and the provisioning changes.
 */
import { FiotError } from '../../shared/errors';
import { overlayUnit, type HeldUnit } from './held-tables';
import { readBackDigest } from './read-back-digest';
import { piecesOf, type ByteRange } from '../core/image-source/ranges';
import { ALIGNMENT, alignedBuffer, type TargetIO } from './target-io';

const READ_PIECE = 4 << 20;

function mismatch(device: string, where: string): FiotError {
  return new FiotError('VERIFY_FAILED', `${device} does not hold what was written (${where}).`);
}

/**
 * Reads `ranges` in order, one piece ahead, and calls `check` with each piece's bytes. Two aligned
 * buffers take turns: a fresh one per piece left hundreds of MB for the garbage collector.
 */
async function readBack(io: TargetIO, ranges: ByteRange[], signal: AbortSignal, check: (piece: ByteRange, bytes: Buffer) => void): Promise<void> {
  const buffers = [alignedBuffer(READ_PIECE + 2 * ALIGNMENT), alignedBuffer(READ_PIECE + 2 * ALIGNMENT)];
  let turn = 0;
  const readNext = (piece: ByteRange) => io.read(piece.offset, piece.length, buffers[turn++ % 2]);
  const pieces = piecesOf(ranges, READ_PIECE);
  let current = pieces.next();
  let pending = current.done ? null : readNext(current.value);
  while (!current.done && pending) {
    const bytes = await pending;
    const piece = current.value;
    current = pieces.next();
    pending = current.done ? null : readNext(current.value);
    if (signal.aborted) {
      await pending?.catch(() => undefined);
      throw new FiotError('CANCELLED', 'Verification was cancelled.');
    }
    try {
      check(piece, bytes);
    } catch (error) {
      await pending?.catch(() => undefined);
      throw error;
    }
  }
}

/**
 * Compares the read-back digest of `prefix` (bytes already proven, such as the held-back head)
 * followed by the device's bytes over `ranges`, in order, with the one computed while writing.
 * Bytes of `held` (a unit not on the card yet) are taken from memory: they are compared when written, last.
 */
export async function verifyHashed(io: TargetIO, ranges: ByteRange[], expectedDigest: string, signal: AbortSignal, onBytes: (n: number) => void, prefix: Buffer[] = [], held: HeldUnit | null = null): Promise<void> {
  const hash = readBackDigest();
  for (const bytes of prefix) hash.update(bytes);
  await readBack(io, ranges, signal, (piece, bytes) => {
    overlayUnit(held, bytes, piece.offset);
    hash.update(bytes);
    onBytes(piece.length);
  });
  const actual = hash.hex();
  if (actual !== expectedDigest) throw mismatch(io.device, `read back as ${actual.slice(0, 12)}… instead of ${expectedDigest.slice(0, 12)}…`);
}

/** Compares the device's bytes over `ranges` with `expected`, which holds them at their image offsets. */
export async function verifyAgainst(io: TargetIO, ranges: ByteRange[], expected: (range: ByteRange) => Buffer, signal: AbortSignal): Promise<void> {
  await readBack(io, ranges, signal, (piece, bytes) => {
    if (!bytes.equals(expected(piece))) throw mismatch(io.device, `bytes at ${piece.offset} to ${piece.offset + piece.length}`);
  });
}
