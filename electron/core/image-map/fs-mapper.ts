/**
 * How a filesystem mapper learns a partition: it asks for small metadata regions (superblock,
 * descriptors, bitmaps, FAT) and is handed their bytes, in whatever order the driver can supply
 * them. A random-access driver reads them at once; a streaming driver catches them as the
 * decompressed image passes by, and some may never arrive. Until a region arrives the mapper
 * treats what it would describe as data, so a missing answer only ever costs extra writing.
 */
import type { ByteRange, PartitionInfo } from './types';

export interface MetadataRequest extends ByteRange {
  accept(bytes: Buffer): void;
}

export interface FsMapper {
  readonly fs: PartitionInfo['fs'];
  readonly label?: string;
  /** Requests raised since the last call (each returned once; accepting one may raise more). */
  takeRequests(): MetadataRequest[];
  /** Appends the parts of [start, end) (absolute image offsets, inside the partition) to write. */
  mustWrite(start: number, end: number, out: ByteRange[]): void;
}

/** A request list that hands each request out once. */
export class RequestQueue {
  private pending: MetadataRequest[] = [];

  add(offset: number, length: number, accept: (bytes: Buffer) => void): void {
    this.pending.push({ offset, length, accept });
  }

  take(): MetadataRequest[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }
}

/** A region that holds no recognized filesystem: all of it is data. */
export class OpaqueMapper implements FsMapper {
  readonly fs = 'other' as const;

  takeRequests(): MetadataRequest[] {
    return [];
  }

  mustWrite(start: number, end: number, out: ByteRange[]): void {
    if (end > start) out.push({ offset: start, length: end - start });
  }
}
