/**
 * FAT12/16/32 allocation: the reserved sectors, every FAT copy and the FAT12/16 root directory are
 * always data; a data cluster is data unless the first FAT marks it free (entry 0). Sectors after
 * the last whole cluster, and after the filesystem's end, are written too.
 */
import { RequestQueue, type FsMapper, type MetadataRequest } from './fs-mapper';
import { intersectRuns, mergeRanges } from './ranges';
import type { ByteRange } from './types';

interface FatGeometry {
  fatType: 12 | 16 | 32;
  fatOffset: number;
  fatBytes: number;
  dataOffset: number;
  clusterBytes: number;
  clusterCount: number;
  fsBytes: number;
}

/** A boot sector with a plausible BIOS parameter block. */
export function readFatGeometry(bootSector: Buffer): FatGeometry | null {
  if (bootSector.length < 512 || bootSector.readUInt16LE(510) !== 0xaa55) return null;
  const bytesPerSector = bootSector.readUInt16LE(0x0b);
  const sectorsPerCluster = bootSector[0x0d]!;
  const reserved = bootSector.readUInt16LE(0x0e);
  const fats = bootSector[0x10]!;
  const rootEntries = bootSector.readUInt16LE(0x11);
  const totalSectors = bootSector.readUInt16LE(0x13) || bootSector.readUInt32LE(0x20);
  const fatSectors = bootSector.readUInt16LE(0x16) || bootSector.readUInt32LE(0x24);
  const powerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;
  if (![512, 1024, 2048, 4096].includes(bytesPerSector) || !powerOfTwo(sectorsPerCluster)) return null;
  if (reserved === 0 || fats === 0 || fatSectors === 0 || totalSectors === 0) return null;
  const rootDirSectors = Math.ceil((rootEntries * 32) / bytesPerSector);
  const dataSector = reserved + fats * fatSectors + rootDirSectors;
  if (dataSector >= totalSectors) return null;
  const clusterCount = Math.floor((totalSectors - dataSector) / sectorsPerCluster);
  // The FAT type follows from the cluster count alone (Microsoft's FAT specification).
  const fatType = clusterCount < 4085 ? 12 : clusterCount < 65525 ? 16 : 32;
  if ((fatType === 32) !== (rootEntries === 0)) return null;
  const fatBytes = fatSectors * bytesPerSector;
  if (fatBytes * 8 < (clusterCount + 2) * fatType) return null;
  return {
    fatType,
    fatOffset: reserved * bytesPerSector,
    fatBytes,
    dataOffset: dataSector * bytesPerSector,
    clusterBytes: sectorsPerCluster * bytesPerSector,
    clusterCount,
    fsBytes: totalSectors * bytesPerSector,
  };
}

export class VfatMapper implements FsMapper {
  readonly fs = 'vfat' as const;
  readonly label?: string;
  private readonly geometry: FatGeometry;
  private readonly requests = new RequestQueue();
  /** Absolute runs of everything to write inside the filesystem; null until the FAT is read. */
  private dataRuns: ByteRange[] | null = null;

  /** `bootSector` must have passed readFatGeometry. */
  constructor(
    private readonly partition: ByteRange,
    bootSector: Buffer,
  ) {
    this.geometry = readFatGeometry(bootSector)!;
    const labelAt = this.geometry.fatType === 32 ? 0x47 : 0x2b;
    const label = bootSector.toString('latin1', labelAt, labelAt + 11).trim();
    this.label = label && label !== 'NO NAME' ? label : undefined;
    this.requests.add(partition.offset + this.geometry.fatOffset, this.geometry.fatBytes, (fat) => this.acceptFat(fat));
  }

  takeRequests(): MetadataRequest[] {
    return this.requests.take();
  }

  mustWrite(start: number, end: number, out: ByteRange[]): void {
    if (this.dataRuns) intersectRuns(this.dataRuns, start, end, out);
    else out.push({ offset: start, length: end - start });
  }

  private acceptFat(fat: Buffer): void {
    const g = this.geometry;
    const base = this.partition.offset;
    const partitionEnd = base + this.partition.length;
    const clustersEnd = base + g.dataOffset + g.clusterCount * g.clusterBytes;
    const runs: ByteRange[] = [
      { offset: base, length: g.dataOffset },
      { offset: clustersEnd, length: partitionEnd - clustersEnd },
    ];
    let runStart = -1;
    const entry = fatReader(fat, g.fatType);
    for (let c = 0; c <= g.clusterCount; c++) {
      const used = c < g.clusterCount && entry(c + 2) !== 0;
      if (used && runStart < 0) runStart = c;
      if (!used && runStart >= 0) {
        runs.push({ offset: base + g.dataOffset + runStart * g.clusterBytes, length: (c - runStart) * g.clusterBytes });
        runStart = -1;
      }
    }
    this.dataRuns = mergeRanges(
      runs.map((r) => ({ offset: r.offset, length: Math.min(r.offset + r.length, partitionEnd) - r.offset })),
    );
  }
}

function fatReader(fat: Buffer, fatType: 12 | 16 | 32): (cluster: number) => number {
  if (fatType === 32) return (c) => fat.readUInt32LE(c * 4) & 0x0fffffff;
  if (fatType === 16) return (c) => fat.readUInt16LE(c * 2);
  return (c) => {
    const at = c + (c >>> 1);
    const pair = fat[at]! | ((fat[at + 1] ?? 0) << 8);
    return c & 1 ? pair >>> 4 : pair & 0xfff;
  };
}
