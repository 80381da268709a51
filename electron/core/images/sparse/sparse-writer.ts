/**
 * Writes a decoded image stream into a sparse file: blocks of zeros become holes, everything else
 * is written at its offset. The file reads back byte for byte as the image (holes read as zeros),
 * while taking disk space only for its data. This is storage only: which ranges a flash must write
 * is the allocation map's decision (image-map), never inferred from these holes.
 */
import { promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';

const BLOCK = 4096;
const STAGING = 4 << 20;
const ZERO_BLOCK = Buffer.alloc(BLOCK);

export interface SparseWriteResult {
  size: number;
  /** Bytes actually written (non-zero blocks). */
  dataBytes: number;
}

export async function writeSparse(decoded: Readable, file: string, onBytes?: (bytes: number) => void, signal?: AbortSignal): Promise<SparseWriteResult> {
  const handle = await fs.open(file, 'w');
  const staging = Buffer.allocUnsafe(STAGING);
  let filled = 0;
  let offset = 0;
  let dataBytes = 0;

  async function flush(): Promise<void> {
    let runStart = -1;
    for (let at = 0; at < filled; at += BLOCK) {
      const end = Math.min(at + BLOCK, filled);
      const block = staging.subarray(at, end);
      const zero = block.length === BLOCK ? block.equals(ZERO_BLOCK) : block.every((b) => b === 0);
      if (!zero && runStart < 0) runStart = at;
      if (zero && runStart >= 0) {
        await handle.write(staging, runStart, at - runStart, offset + runStart);
        dataBytes += at - runStart;
        runStart = -1;
      }
    }
    if (runStart >= 0) {
      await handle.write(staging, runStart, filled - runStart, offset + runStart);
      dataBytes += filled - runStart;
    }
    offset += filled;
    filled = 0;
    onBytes?.(offset);
  }

  try {
    for await (const chunk of decoded as AsyncIterable<Buffer>) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      let used = 0;
      while (used < chunk.length) {
        const take = Math.min(chunk.length - used, STAGING - filled);
        chunk.copy(staging, filled, used, used + take);
        filled += take;
        used += take;
        if (filled === STAGING) await flush();
      }
    }
    await flush();
    // Trailing zeros were never written: the length comes from truncate, leaving a hole.
    await handle.truncate(offset);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { size: offset, dataBytes };
}
