/**
 * The allocation state of a whole image: one mapper per partition (probing its filesystem first),
 * and everything outside partitions (tables, gaps where boards keep U-Boot, the GPT backup) as data.
 * Both drivers (mapImage, StreamingAllocationMap) feed it metadata and ask it what to write.
 */
import { OpaqueMapper, RequestQueue, type FsMapper, type MetadataRequest } from './fs-mapper';
import { EXT4_SUPERBLOCK_OFFSET, Ext4Mapper, isExt4Superblock } from './ext4';
import { TABLE_HEAD_BYTES } from './partition-table';
import { WRITE_UNIT, complement, mergeRanges, roundOut } from './ranges';
import type { ByteRange, PartitionInfo } from './types';
import { VfatMapper, readFatGeometry } from './vfat';

/** Enough of a partition's start to recognize ext4 (superblock at 1 KiB) and FAT (boot sector). */
const PROBE_BYTES = 4096;

/** Reads a partition's first bytes, then delegates to the mapper for the filesystem found there. */
class PartitionMapper implements FsMapper {
  private readonly requests = new RequestQueue();
  private inner: FsMapper | null = null;

  constructor(private readonly partition: ByteRange) {
    this.requests.add(partition.offset, Math.min(PROBE_BYTES, partition.length), (head) => {
      this.inner = probe(partition, head);
    });
  }

  get fs(): PartitionInfo['fs'] {
    return this.inner?.fs ?? 'other';
  }

  get label(): string | undefined {
    return this.inner?.label;
  }

  takeRequests(): MetadataRequest[] {
    return [...this.requests.take(), ...(this.inner?.takeRequests() ?? [])];
  }

  mustWrite(start: number, end: number, out: ByteRange[]): void {
    if (this.inner) this.inner.mustWrite(start, end, out);
    else out.push({ offset: start, length: end - start });
  }
}

function probe(partition: ByteRange, head: Buffer): FsMapper {
  const superblock = head.subarray(EXT4_SUPERBLOCK_OFFSET, EXT4_SUPERBLOCK_OFFSET + 1024);
  if (isExt4Superblock(superblock)) return new Ext4Mapper(partition, superblock);
  const fat = readFatGeometry(head.subarray(0, 512));
  if (fat && fat.fsBytes <= partition.length) return new VfatMapper(partition, head.subarray(0, 512));
  return new OpaqueMapper();
}

export class ImageAllocation {
  private readonly mappers: PartitionMapper[];
  /** Sorted, merged extents of all partitions: what lies between them is written as it is. */
  private readonly covered: ByteRange[];

  constructor(
    private readonly table: PartitionInfo[],
    private readonly imageSize: number | null,
  ) {
    this.mappers = table.map((p) => new PartitionMapper({ offset: p.offset, length: p.size }));
    this.covered = mergeRanges(table.map((p) => ({ offset: p.offset, length: p.size })));
  }

  takeRequests(): MetadataRequest[] {
    return this.mappers.flatMap((m) => m.takeRequests());
  }

  /** The table's partitions, with the filesystem and label found so far. */
  partitions(): PartitionInfo[] {
    return this.table.map((p, i) => {
      const mapper = this.mappers[i]!;
      const label = mapper.label;
      return { ...p, fs: mapper.fs, ...(label !== undefined ? { label } : {}) };
    });
  }

  /** What to write of [start, end): sorted, merged, grown to 4 KiB and clipped to [start, end). */
  mustWrite(start: number, end: number): ByteRange[] {
    const stop = this.imageSize === null ? end : Math.min(end, this.imageSize);
    if (stop <= start) return [];
    // Look at whole 4 KiB units, so a window's edge gets the same answer whichever window asks.
    const from = Math.floor(start / WRITE_UNIT) * WRITE_UNIT;
    const to = Math.ceil(stop / WRITE_UNIT) * WRITE_UNIT;
    const out = complement(this.covered, from, to);
    // The table's own sectors stay written even under a partition that claims to start there.
    if (from < TABLE_HEAD_BYTES) out.push({ offset: from, length: Math.min(to, TABLE_HEAD_BYTES) - from });
    this.table.forEach((p, i) => {
      const partFrom = Math.max(from, p.offset);
      const partTo = Math.min(to, p.offset + p.size);
      if (partTo > partFrom) this.mappers[i]!.mustWrite(partFrom, partTo, out);
    });
    return roundOut(out, start, stop);
  }
}
