/**
 * Random-access IO over a written card or an image file. The writer process hands one over the
 * device it has just written and verified; `fiot-flash provision` opens one over a loop device or
 * an image file. Whatever is injected goes through here, so the written ranges can be recorded
 * and read back by the writer's final verification.
 */
export interface ByteRange {
  offset: number;
  length: number;
}

export interface BlockIO {
  read(offset: number, length: number): Promise<Buffer>;
  write(buf: Buffer, offset: number): Promise<void>;
  /** Bytes addressable through this IO (the whole card or image file). */
  size: number;
}

/** Sorted, with touching or overlapping ranges joined. */
export function mergeRanges(ranges: ByteRange[]): ByteRange[] {
  const sorted = [...ranges].filter((r) => r.length > 0).sort((a, b) => a.offset - b.offset);
  const merged: ByteRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.offset <= last.offset + last.length) {
      last.length = Math.max(last.length, range.offset + range.length - last.offset);
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}

/** The same IO, remembering every range written through it. */
export function recordingIO(io: BlockIO): BlockIO & { changed(): ByteRange[] } {
  const written: ByteRange[] = [];
  return {
    size: io.size,
    read: (offset, length) => io.read(offset, length),
    async write(buf, offset) {
      await io.write(buf, offset);
      written.push({ offset, length: buf.length });
    },
    changed: () => mergeRanges(written),
  };
}
/** The same IO, refusing any write outside [start, start + size): injection only ever touches the boot partition. */
export function confinedIO(io: BlockIO, start: number, size: number): BlockIO {
  return {
    size: io.size,
    read: (offset, length) => io.read(offset, length),
    async write(buf, offset) {
      if (offset < start || offset + buf.length > start + size) {
        throw new RangeError(`refused a write at ${offset} (+${buf.length}) outside the boot partition ${start}..${start + size}`);
      }
      await io.write(buf, offset);
    },
  };
}
