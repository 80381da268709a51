/**
 * A quick capacity check before a card is written, in the spirit of f3probe: a few 4 KiB blocks
 * spread over the whole claimed size get a pattern naming their own offset, are read back from the
 * medium, and get their old contents back. A counterfeit card whose controller wraps addresses
 * past its real capacity shows a low block holding a high block's pattern; one that drops such
 * writes reads back something else. Either way the card is refused before the image is written.
 * Real flash controllers cache a little, which these few blocks cannot outrun: the full
 * verification after writing remains the final word.
 */
import { randomBytes } from 'node:crypto';
import { counterfeitError } from './io-errors';
import { alignedBuffer } from './target-io';

export const PROBE_BLOCK = 4096;
/** Evenly spread probes, on top of the powers of two. */
const SPREAD = 16;
const MAGIC = 'FIOT-PROBE';

/** What the probe needs of an open target (TargetIO has it; tests hand in a stand-in card). */
export interface ProbeDevice {
  device: string;
  size: number | null;
  read(offset: number, length: number): Promise<Buffer>;
  write(data: Buffer, offset: number): Promise<void>;
  flush(): Promise<void>;
}

/**
 * Offsets to probe: the first block, every power of two from 1 MiB (fake cards wrap at a power of
 * two, so their real size is among these), an even spread for the rest, and the last block.
 */
export function probeOffsets(size: number, spread = SPREAD): number[] {
  const blocks = Math.floor(size / PROBE_BLOCK);
  if (blocks < spread * 2) return [];
  const offsets = new Set([0, (blocks - 1) * PROBE_BLOCK]);
  for (let at = 1 << 20; at < size; at *= 2) offsets.add(at);
  for (let i = 1; i < spread; i++) offsets.add(Math.floor((i * (blocks - 1)) / spread) * PROBE_BLOCK);
  return [...offsets].sort((a, b) => a - b);
}

function pattern(nonce: Buffer, offset: number): Buffer {
  const header = Buffer.from(`${MAGIC} ${nonce.toString('hex')} ${offset} `);
  // Aligned: the card is open with O_DIRECT.
  const block = alignedBuffer(PROBE_BLOCK).subarray(0, PROBE_BLOCK);
  for (let at = 0; at < PROBE_BLOCK; at += header.length) header.copy(block, at);
  return block;
}

/** The offset whose pattern a block holds, if it holds one of this probe's. */
function patternOffset(block: Buffer, nonce: Buffer): number | null {
  const match = new RegExp(`^${MAGIC} ${nonce.toString('hex')} (\\d+) `).exec(block.subarray(0, 80).toString('latin1'));
  return match ? Number(match[1]) : null;
}

/**
 * The capacity the card really has, from the blocks that did not read back. Patterns are written
 * from the highest offset down, so where addresses wrap, the lower block's pattern is the one left:
 * reading `at` and finding the pattern of `from` below it means the card wraps every `at - from`
 * bytes. Finding anything else means the write at `at` was lost: the card holds less than `at`.
 */
function estimateCapacity(readBack: Array<{ offset: number; block: Buffer }>, nonce: Buffer): number | null {
  let capacity: number | null = null;
  for (const { offset, block } of readBack) {
    const holds = patternOffset(block, nonce);
    if (holds === offset) continue;
    const estimate = holds !== null && holds < offset ? offset - holds : offset;
    capacity = capacity === null ? estimate : Math.min(capacity, estimate);
  }
  return capacity;
}

export async function probeCapacity(io: ProbeDevice): Promise<void> {
  if (io.size === null) return;
  const offsets = probeOffsets(io.size);
  if (offsets.length === 0) return;
  const nonce = randomBytes(8);
  const originals: Buffer[] = [];
  for (const offset of offsets) {
    const copy = alignedBuffer(PROBE_BLOCK).subarray(0, PROBE_BLOCK);
    (await io.read(offset, PROBE_BLOCK)).copy(copy);
    originals.push(copy);
  }
  try {
    for (const offset of [...offsets].reverse()) await io.write(pattern(nonce, offset), offset);
    await io.flush();
    const readBack = [];
    for (const offset of offsets) readBack.push({ offset, block: Buffer.from(await io.read(offset, PROBE_BLOCK)) });
    const capacity = estimateCapacity(readBack, nonce);
    if (capacity !== null) throw counterfeitError(io.device, capacity, io.size);
  } finally {
    for (const [i, offset] of offsets.entries()) await io.write(originals[i]!, offset).catch(() => undefined);
    await io.flush().catch(() => undefined);
  }
}
