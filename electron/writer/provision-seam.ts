/**
 * Where per-card provisioning plugs into the writer. After a card's image is written and
 * verified, and before its partition table is written, the writer hands the provisioning
 * injector (electron/core/provision) a BlockIO over the card: the held-back head is served from
 * memory, so the injector sees the finished image, and the head goes to the card last, carrying
 * any change the injector made to it. Every block the injector writes is remembered with its
 * expected content and read back from the card afterwards.
 */
import { FiotError } from '../../shared/errors';
import type { ProvisioningPlan } from '../../shared/provisioning';
import type { BlockIO } from '../core/provision/block-io';
import { overlayUnit } from './held-tables';
import { mergeRanges, type ByteRange } from '../core/image-source/ranges';
import { ALIGNMENT, alignedBuffer, type TargetIO } from './target-io';
import { HEAD_BYTES, type HeldHead } from './write-stream';
import { verifyAgainst } from './verify';

/** Random access to a written card (or image file): the provisioning domain's own interface. */
export type { BlockIO } from '../core/provision/block-io';

/** Injects a provisioning plan (checked with the job it came in) into a card; says which bytes it changed. */
export type ProvisioningInjector = (io: BlockIO, plan: ProvisioningPlan) => Promise<{ changed: ByteRange[] }>;

export interface ProvisioningOverlay extends BlockIO {
  /** Reads back every block written outside the head and compares it with what was written. */
  verify(signal: AbortSignal): Promise<void>;
}

export function provisioningOverlay(io: TargetIO, head: HeldHead, size: number): ProvisioningOverlay {
  /** Expected content of every block written outside the head, by block offset. */
  const blocks = new Map<number, Buffer>();

  function checkBounds(offset: number, length: number): void {
    if (offset < 0 || length < 0 || offset + length > size) throw new FiotError('INTERNAL', `Provisioning tried to reach ${offset}+${length}, outside the card’s ${size} bytes.`);
  }

  async function read(offset: number, length: number): Promise<Buffer> {
    checkBounds(offset, length);
    const out = Buffer.alloc(length);
    const headPart = Math.max(0, Math.min(offset + length, HEAD_BYTES) - offset);
    if (headPart > 0) head.data.copy(out, 0, offset, offset + headPart);
    if (headPart < length) {
      (await io.read(offset + headPart, length - headPart)).copy(out, headPart);
      overlayUnit(head.backup, out, offset);
    }
    return out;
  }

  async function writeBody(data: Buffer, offset: number): Promise<void> {
    const first = Math.floor(offset / ALIGNMENT) * ALIGNMENT;
    for (let block = first; block < offset + data.length; block += ALIGNMENT) {
      const expected = blocks.get(block) ?? Buffer.from(await io.read(block, ALIGNMENT));
      const from = Math.max(offset, block);
      const to = Math.min(offset + data.length, block + ALIGNMENT);
      data.copy(expected, from - block, from - offset, to - offset);
      blocks.set(block, expected);
      const aligned = alignedBuffer(ALIGNMENT);
      expected.copy(aligned);
      await io.write(aligned, block);
    }
  }

  return {
    size,
    read,
    async write(data, offset) {
      checkBounds(offset, data.length);
      const headPart = Math.max(0, Math.min(offset + data.length, HEAD_BYTES) - offset);
      if (headPart > 0) {
        data.copy(head.data, offset, 0, headPart);
        head.ranges = mergeRanges([...head.ranges, { offset, length: headPart }]);
      }
      if (headPart < data.length) await writeBody(data.subarray(headPart), offset + headPart);
    },
    async verify(signal) {
      const written = mergeRanges([...blocks.keys()].map((offset) => ({ offset, length: ALIGNMENT })));
      await verifyAgainst(io, written, (piece) => {
        const expected = Buffer.alloc(piece.length);
        for (let block = piece.offset; block < piece.offset + piece.length; block += ALIGNMENT) blocks.get(block)?.copy(expected, block - piece.offset);
        return expected;
      }, signal);
    },
  };
}
