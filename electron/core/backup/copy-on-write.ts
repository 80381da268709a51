/**
 * A BlockIO over a card opened for reading, whose writes stay in memory: clearing a machine's
 * identity in the copy changes a few blocks of the image being made, never the card itself.
 */
import type { BlockIO } from '../provision/block-io';

const BLOCK = 4096;

export interface CopyOnWrite extends BlockIO {
  /** How many 4 KiB blocks the copy changed. */
  readonly changedBlocks: number;
}

export function copyOnWrite(read: (offset: number, length: number) => Promise<Buffer>, size: number): CopyOnWrite {
  const changed = new Map<number, Buffer>();

  async function readOriginal(offset: number, length: number): Promise<Buffer> {
    const data = await read(offset, length);
    if (data.length >= length) return data;
    return Buffer.concat([data, Buffer.alloc(length - data.length)]);
  }

  /** Applies the changed blocks overlapping [offset, offset + out.length) onto `out`. */
  function overlay(out: Buffer, offset: number): void {
    const end = offset + out.length;
    for (let block = Math.floor(offset / BLOCK) * BLOCK; block < end; block += BLOCK) {
      const content = changed.get(block);
      if (!content) continue;
      const from = Math.max(block, offset);
      const to = Math.min(block + BLOCK, end);
      content.copy(out, from - offset, from - block, to - block);
    }
  }

  return {
    size,
    get changedBlocks() {
      return changed.size;
    },
    async read(offset, length) {
      const out = Buffer.from(await readOriginal(offset, length));
      if (changed.size) overlay(out, offset);
      return out;
    },
    async write(data, offset) {
      const end = offset + data.length;
      for (let block = Math.floor(offset / BLOCK) * BLOCK; block < end; block += BLOCK) {
        const content = changed.get(block) ?? (await this.read(block, Math.min(BLOCK, size - block)));
        const whole = content.length === BLOCK ? content : Buffer.concat([content, Buffer.alloc(BLOCK - content.length)]);
        const from = Math.max(block, offset);
        const to = Math.min(block + BLOCK, end);
        data.copy(whole, from - block, from - offset, to - offset);
        changed.set(block, whole);
      }
    },
  };
}
