/**
 * Listing one directory of a FAT filesystem inside an image, by short (8.3) names: enough to see
 * which EFI loaders an ESP carries. The geometry comes from the allocation map's own reading of
 * the boot sector (image-map/vfat), so both agree on what a FAT filesystem is.
 */
import type { ReadAt } from '../image-map';
import { readFatGeometry } from '../image-map/vfat';

const ENTRY_BYTES = 32;
const ATTR_LONG_NAME = 0x0f;
const ATTR_DIRECTORY = 0x10;
const ATTR_VOLUME_ID = 0x08;
/**
 * A corrupt or hostile FAT could loop a chain forever: the directories read here (EFI and its
 * vendor folders) hold a few entries, far fewer than this many clusters (at most 16 MiB read).
 */
const MAX_CHAIN = 256;

export interface FatEntry {
  /** The short name as stored, upper case: `BOOTAA64.EFI`, `EFI`. */
  name: string;
  directory: boolean;
  firstCluster: number;
}

interface FatVolume {
  read: ReadAt;
  offset: number;
  fatType: 12 | 16 | 32;
  fatOffset: number;
  dataOffset: number;
  clusterBytes: number;
  /** FAT12/16: the fixed root directory region; FAT32 roots are a cluster chain. */
  rootRegion?: { offset: number; length: number };
  rootCluster: number;
}

/** The FAT volume at `offset`, or null when there is no FAT boot sector there. */
export async function openFatVolume(read: ReadAt, offset: number): Promise<FatVolume | null> {
  const bootSector = await read(offset, 512);
  const geometry = readFatGeometry(bootSector);
  if (!geometry) return null;
  const base = { read, offset, fatType: geometry.fatType, fatOffset: geometry.fatOffset, dataOffset: geometry.dataOffset, clusterBytes: geometry.clusterBytes };
  if (geometry.fatType === 32) return { ...base, rootCluster: bootSector.readUInt32LE(0x2c) };
  const rootBytes = bootSector.readUInt16LE(0x11) * ENTRY_BYTES;
  return { ...base, rootCluster: 0, rootRegion: { offset: geometry.dataOffset - rootBytes, length: rootBytes } };
}

async function nextCluster(volume: FatVolume, cluster: number): Promise<number | null> {
  const { read, offset, fatOffset, fatType } = volume;
  let next: number;
  if (fatType === 32) next = (await read(offset + fatOffset + cluster * 4, 4)).readUInt32LE(0) & 0x0fffffff;
  else if (fatType === 16) next = (await read(offset + fatOffset + cluster * 2, 2)).readUInt16LE(0);
  else {
    const pair = (await read(offset + fatOffset + cluster + (cluster >>> 1), 2)).readUInt16LE(0);
    next = cluster & 1 ? pair >>> 4 : pair & 0xfff;
  }
  const endMark = fatType === 32 ? 0x0ffffff8 : fatType === 16 ? 0xfff8 : 0xff8;
  return next >= 2 && next < endMark - 1 ? next : null;
}

async function directoryBytes(volume: FatVolume, firstCluster: number): Promise<Buffer> {
  if (firstCluster === 0 && volume.rootRegion) return volume.read(volume.offset + volume.rootRegion.offset, volume.rootRegion.length);
  const parts: Buffer[] = [];
  let cluster: number | null = firstCluster;
  while (cluster !== null && parts.length < MAX_CHAIN) {
    parts.push(await volume.read(volume.offset + volume.dataOffset + (cluster - 2) * volume.clusterBytes, volume.clusterBytes));
    cluster = await nextCluster(volume, cluster);
  }
  return Buffer.concat(parts);
}

function shortName(entry: Buffer): string {
  const base = entry.toString('latin1', 0, 8).trimEnd();
  const ext = entry.toString('latin1', 8, 11).trimEnd();
  return (ext ? `${base}.${ext}` : base).toUpperCase();
}

function parseEntries(bytes: Buffer): FatEntry[] {
  const entries: FatEntry[] = [];
  for (let at = 0; at + ENTRY_BYTES <= bytes.length; at += ENTRY_BYTES) {
    const entry = bytes.subarray(at, at + ENTRY_BYTES);
    if (entry[0] === 0) break;
    const attributes = entry[11]!;
    if (entry[0] === 0xe5 || attributes === ATTR_LONG_NAME || attributes & ATTR_VOLUME_ID) continue;
    entries.push({
      name: shortName(entry),
      directory: (attributes & ATTR_DIRECTORY) !== 0,
      firstCluster: (entry.readUInt16LE(0x14) << 16) | entry.readUInt16LE(0x1a),
    });
  }
  return entries;
}

/** The entries of the directory at `path` (names separated by `/`), or null when it is not there. */
export async function listFatDirectory(volume: FatVolume, path: string): Promise<FatEntry[] | null> {
  let entries = parseEntries(await directoryBytes(volume, volume.rootCluster));
  for (const part of path.split('/').filter(Boolean)) {
    const dir = entries.find((e) => e.directory && e.name === part.toUpperCase());
    if (!dir || dir.firstCluster < 2) return null;
    entries = parseEntries(await directoryBytes(volume, dir.firstCluster));
  }
  return entries;
}
