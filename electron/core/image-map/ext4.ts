/**
 * ext2/3/4 allocation: a block is data when its group's block bitmap says so, or when it holds
 * metadata (superblock and descriptor copies, reserved descriptor blocks, bitmaps, inode tables).
 * Groups flagged BLOCK_UNINIT (trusted only with group descriptor checksums, as e2fsck does) hold
 * only metadata. Layouts this code does not model (meta_bg, bigalloc, sparse_super2, ...) are
 * written whole.
 */
import { RequestQueue, type FsMapper, type MetadataRequest } from './fs-mapper';
import { bitmapRuns, intersectRuns, mergeRanges } from './ranges';
import type { ByteRange } from './types';

export const EXT4_SUPERBLOCK_OFFSET = 1024;
const SUPERBLOCK_BYTES = 1024;
const EXT4_MAGIC = 0xef53;

const COMPAT_RESIZE_INODE = 0x10;
/** lazy_bg (uninitialized groups without checksums) and sparse_super2 (two movable backups). */
const COMPAT_UNMODELLED = 0x40 | 0x200;
const INCOMPAT_64BIT = 0x80;
const INCOMPAT_MMP = 0x100;
/** filetype, recover, extents, 64bit, mmp, flex_bg, ea_inode, dirdata, csum_seed, largedir, inline_data, encrypt, casefold. */
const INCOMPAT_MODELLED = 0x2 | 0x4 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x1000 | 0x2000 | 0x4000 | 0x8000 | 0x10000 | 0x20000;
const RO_COMPAT_SPARSE_SUPER = 0x1;
const RO_COMPAT_GDT_CSUM = 0x10;
const RO_COMPAT_METADATA_CSUM = 0x400;
/** Everything but has_snapshot, bigalloc and replica. */
const RO_COMPAT_MODELLED = 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20 | 0x40 | 0x100 | 0x400 | 0x1000 | 0x2000 | 0x4000 | 0x8000 | 0x10000;
const BG_BLOCK_UNINIT = 0x2;

export function isExt4Superblock(sb: Buffer): boolean {
  return sb.length >= SUPERBLOCK_BYTES && sb.readUInt16LE(0x38) === EXT4_MAGIC;
}

interface Geometry {
  blockSize: number;
  blocksCount: number;
  firstDataBlock: number;
  blocksPerGroup: number;
  groupCount: number;
  descSize: number;
  inodeTableBlocks: number;
  /** Blocks after a superblock copy: descriptor blocks plus reserved (resize) descriptor blocks. */
  descriptorAreaBlocks: number;
  sparseSuper: boolean;
  /** Group descriptors carry checksums, so their UNINIT flags can be trusted. */
  checksummed: boolean;
  mmpBlock: number | null;
}

export class Ext4Mapper implements FsMapper {
  readonly fs = 'ext4' as const;
  readonly label?: string;
  private readonly geometry: Geometry | null;
  private readonly requests = new RequestQueue();
  /** Metadata of every group, absolute byte runs; null until the descriptors are read. */
  private metadataRuns: ByteRange[] | null = null;
  /** Per group: the runs its bitmap marks in use, or null while the bitmap is unknown. */
  private groupRuns: Array<ByteRange[] | null> = [];

  /** `superblock` = the 1024 bytes at partition offset + 1024. */
  constructor(
    private readonly partition: ByteRange,
    superblock: Buffer,
  ) {
    this.label = superblock.toString('utf8', 0x78, 0x88).replace(/\0.*$/s, '') || undefined;
    this.geometry = readGeometry(superblock, partition.length);
    const g = this.geometry;
    if (!g) return;
    const descriptorsAt = partition.offset + (g.firstDataBlock + 1) * g.blockSize;
    this.requests.add(descriptorsAt, g.groupCount * g.descSize, (bytes) => this.acceptDescriptors(bytes));
  }

  takeRequests(): MetadataRequest[] {
    return this.requests.take();
  }

  mustWrite(start: number, end: number, out: ByteRange[]): void {
    const g = this.geometry;
    const fsEnd = g ? this.partition.offset + g.blocksCount * g.blockSize : start;
    if (!g || !this.metadataRuns) {
      out.push({ offset: start, length: end - start });
      return;
    }
    // Past the filesystem's last block the partition holds bytes no filesystem accounts for.
    if (end > fsEnd) out.push({ offset: Math.max(start, fsEnd), length: end - Math.max(start, fsEnd) });
    const to = Math.min(end, fsEnd);
    if (to <= start) return;
    intersectRuns(this.metadataRuns, start, to, out);
    const groupBytes = g.blocksPerGroup * g.blockSize;
    const groupsFrom = this.partition.offset + g.firstDataBlock * g.blockSize;
    const first = Math.max(0, Math.floor((start - groupsFrom) / groupBytes));
    const last = Math.min(g.groupCount - 1, Math.floor((to - 1 - groupsFrom) / groupBytes));
    for (let group = first; group <= last; group++) {
      const runs = this.groupRuns[group];
      if (runs) {
        intersectRuns(runs, start, to, out);
        continue;
      }
      const from = Math.max(start, groupsFrom + group * groupBytes);
      const until = Math.min(to, groupsFrom + (group + 1) * groupBytes);
      if (until > from) out.push({ offset: from, length: until - from });
    }
  }

  private acceptDescriptors(table: Buffer): void {
    const g = this.geometry!;
    const abs = (block: number, count = 1): ByteRange => ({
      offset: this.partition.offset + block * g.blockSize,
      length: count * g.blockSize,
    });
    // Blocks before the first group (block 0 with 1 KiB blocks: the boot sector) are never free.
    const metadata: ByteRange[] = [{ offset: this.partition.offset, length: g.firstDataBlock * g.blockSize }];
    if (g.mmpBlock !== null) metadata.push(abs(g.mmpBlock));
    for (let group = 0; group < g.groupCount; group++) {
      const d = readDescriptor(table, group, g.descSize);
      const groupStart = g.firstDataBlock + group * g.blocksPerGroup;
      if (hasSuperblockCopy(group, g.sparseSuper)) metadata.push(abs(groupStart, 1 + g.descriptorAreaBlocks));
      metadata.push(abs(d.blockBitmap), abs(d.inodeBitmap), abs(d.inodeTable, g.inodeTableBlocks));
      this.groupRuns[group] = null;
      if (g.checksummed && d.flags & BG_BLOCK_UNINIT) {
        this.groupRuns[group] = [];
      } else if (d.blockBitmap > 0 && d.blockBitmap < g.blocksCount) {
        const blocksInGroup = Math.min(g.blocksPerGroup, g.blocksCount - groupStart);
        const bitmapAt = abs(d.blockBitmap);
        this.requests.add(bitmapAt.offset, g.blockSize, (bitmap) => {
          this.groupRuns[group] = bitmapRuns(bitmap, blocksInGroup, abs(groupStart).offset, g.blockSize);
        });
      }
    }
    // A descriptor pointing outside the filesystem is damage; keep only what lies inside.
    const fsEnd = this.partition.offset + g.blocksCount * g.blockSize;
    this.metadataRuns = mergeRanges(
      metadata.map((r) => ({ offset: r.offset, length: Math.min(r.offset + r.length, fsEnd) - r.offset })),
    );
  }
}

function readGeometry(sb: Buffer, partitionSize: number): Geometry | null {
  const compat = sb.readUInt32LE(0x5c);
  const incompat = sb.readUInt32LE(0x60);
  const roCompat = sb.readUInt32LE(0x64);
  if (compat & COMPAT_UNMODELLED || incompat & ~INCOMPAT_MODELLED || roCompat & ~RO_COMPAT_MODELLED) return null;
  const logBlockSize = sb.readUInt32LE(0x18);
  if (logBlockSize > 6) return null;
  const blockSize = 1024 << logBlockSize;
  const is64 = (incompat & INCOMPAT_64BIT) !== 0;
  const blocksCount = sb.readUInt32LE(0x04) + (is64 ? sb.readUInt32LE(0x150) * 2 ** 32 : 0);
  const firstDataBlock = sb.readUInt32LE(0x14);
  const blocksPerGroup = sb.readUInt32LE(0x20);
  const inodesPerGroup = sb.readUInt32LE(0x28);
  const revLevel = sb.readUInt32LE(0x4c);
  const inodeSize = revLevel === 0 ? 128 : sb.readUInt16LE(0x58);
  const descSize = is64 ? sb.readUInt16LE(0xfe) : 32;
  // One bitmap block per group is the layout modelled here; anything else is not this code's ext4.
  if (blocksPerGroup === 0 || blocksPerGroup > blockSize * 8 || inodesPerGroup === 0 || inodeSize < 128) return null;
  if (descSize < 32 || descSize > 1024 || (descSize & (descSize - 1)) !== 0) return null;
  if (blocksCount <= firstDataBlock || blocksCount * blockSize > partitionSize) return null;
  const groupCount = Math.ceil((blocksCount - firstDataBlock) / blocksPerGroup);
  const descriptorBlocks = Math.ceil((groupCount * descSize) / blockSize);
  const reservedGdt = compat & COMPAT_RESIZE_INODE ? sb.readUInt16LE(0xce) : 0;
  const mmpBlock = incompat & INCOMPAT_MMP ? Number(sb.readBigUInt64LE(0x168)) : null;
  return {
    blockSize,
    blocksCount,
    firstDataBlock,
    blocksPerGroup,
    groupCount,
    descSize,
    inodeTableBlocks: Math.ceil((inodesPerGroup * inodeSize) / blockSize),
    descriptorAreaBlocks: descriptorBlocks + reservedGdt,
    sparseSuper: (roCompat & RO_COMPAT_SPARSE_SUPER) !== 0,
    checksummed: (roCompat & (RO_COMPAT_GDT_CSUM | RO_COMPAT_METADATA_CSUM)) !== 0,
    mmpBlock: mmpBlock && mmpBlock < blocksCount ? mmpBlock : null,
  };
}

function readDescriptor(table: Buffer, group: number, descSize: number) {
  const d = table.subarray(group * descSize, (group + 1) * descSize);
  const wide = descSize >= 64;
  const lohi = (lo: number, hi: number) => d.readUInt32LE(lo) + (wide ? d.readUInt32LE(hi) * 2 ** 32 : 0);
  return {
    blockBitmap: lohi(0x00, 0x20),
    inodeBitmap: lohi(0x04, 0x24),
    inodeTable: lohi(0x08, 0x28),
    flags: d.readUInt16LE(0x12),
  };
}

/** sparse_super keeps superblock copies in groups 0, 1 and powers of 3, 5 and 7 only. */
function hasSuperblockCopy(group: number, sparseSuper: boolean): boolean {
  if (!sparseSuper || group <= 1) return true;
  for (const base of [3, 5, 7]) {
    let n = base;
    while (n < group) n *= base;
    if (n === group) return true;
  }
  return false;
}
