/**
 * The partition tables a card must not carry until it is finished. The head (MBR, primary GPT)
 * is held back by the write stream; so is the 4 KiB unit holding a GPT image's backup header,
 * found from the primary header's "alternate LBA" (the head arrives first). With only the primary
 * gone, `wipefs`, gdisk and the kernel still find the backup header at the end and offer to rebuild
 * the table: a card stopped before the end would look like a damaged good one. The old backup
 * header at the end of a larger card that once held a GPT disk is zeroed before anything else.
 */
import { rangeEnd, type ByteRange } from '../core/image-source/ranges';
import { ALIGNMENT, alignedBuffer, type TargetIO } from './target-io';

/** Image bytes held in memory and written after everything else. */
export interface HeldUnit {
  offset: number;
  data: Buffer;
  /** The parts of the unit the image actually writes. */
  ranges: ByteRange[];
}

const GPT_SIGNATURE = 'EFI PART';
/** Logical sector sizes a GPT image may be laid out for: the header is at LBA 1 of either. */
const SECTOR_SIZES = [512, 4096];
const ALTERNATE_LBA = 32;
/** A card's backup GPT lies in its last 33 sectors (or 6 of 4 KiB): zeroing 64 KiB covers both. */
export const CARD_TAIL_BYTES = 64 << 10;

/** The 4 KiB unit of the image's backup GPT header, from the primary header in `head`; null without GPT. */
export function backupGptUnit(head: Buffer, headBytes: number): HeldUnit | null {
  for (const sector of SECTOR_SIZES) {
    if (head.length < 2 * sector || head.toString('latin1', sector, sector + 8) !== GPT_SIGNATURE) continue;
    const offset = Number(head.readBigUInt64LE(sector + ALTERNATE_LBA)) * sector;
    const unit = Math.floor(offset / ALIGNMENT) * ALIGNMENT;
    // A backup inside the head is held with it; a nonsense LBA is not ours to guard.
    if (unit < headBytes || !Number.isSafeInteger(unit)) return null;
    return { offset: unit, data: alignedBuffer(ALIGNMENT).fill(0), ranges: [] };
  }
  return null;
}

/** Splits `range` around `unit`: copies the overlap into it, returns the parts to write now. */
export function holdUnit(unit: HeldUnit | null, range: ByteRange, bytes: Buffer): ByteRange[] {
  const from = unit ? Math.max(range.offset, unit.offset) : 0;
  const to = unit ? Math.min(rangeEnd(range), unit.offset + ALIGNMENT) : 0;
  if (!unit || from >= to) return [range];
  bytes.copy(unit.data, from - unit.offset, from - range.offset, to - range.offset);
  unit.ranges.push({ offset: from, length: to - from });
  const now: ByteRange[] = [];
  if (from > range.offset) now.push({ offset: range.offset, length: from - range.offset });
  if (to < rangeEnd(range)) now.push({ offset: to, length: rangeEnd(range) - to });
  return now;
}

/** Copies the held unit's bytes over `out`, which holds the card's bytes from `offset`. */
export function overlayUnit(unit: HeldUnit | null, out: Buffer, offset: number): void {
  for (const range of unit?.ranges ?? []) {
    const from = Math.max(offset, range.offset);
    const to = Math.min(offset + out.length, rangeEnd(range));
    if (from < to) unit!.data.copy(out, from - offset, from - unit!.offset, to - unit!.offset);
  }
}

/** Zeroes `length` bytes at `offset` on the card. */
async function zero(io: TargetIO, offset: number, length: number): Promise<void> {
  await io.write(alignedBuffer(length).fill(0).subarray(0, length), offset);
}

/** Before writing: no partition table at either end of the card, old or new. */
export async function clearCardTables(io: TargetIO, headBytes: number): Promise<void> {
  if (io.size === null) return;
  await zero(io, 0, Math.min(headBytes, io.size));
  const tail = Math.floor(Math.max(headBytes, io.size - CARD_TAIL_BYTES) / ALIGNMENT) * ALIGNMENT;
  if (tail < io.size) await zero(io, tail, io.size - tail);
}

/** After a table failed its read-back: neither the head nor the image's backup header may stay. */
export async function wipeWrittenTables(io: TargetIO, headBytes: number, backup: HeldUnit | null): Promise<void> {
  await zero(io, 0, Math.min(headBytes, io.size ?? headBytes));
  if (backup) await zero(io, backup.offset, Math.min(ALIGNMENT, (io.size ?? Infinity) - backup.offset));
  await io.flush();
}
