/**
 * Finding Fedora IoT's partitions by what they are (ext4 labelled `boot` and `root`), not by
 * number: aarch64 images use an MBR table, x86_64 images GPT, and images built by
 * bootc-image-builder number theirs differently again.
 */
import { getPartitions } from 'partitioninfo';
import { FiotError } from '../../../shared/errors';
import type { BlockIO } from './block-io';
import { BlockIODisk } from './io-disk';

export interface Ext4Partition {
  index: number;
  offset: number;
  size: number;
  label: string;
}

const SUPERBLOCK_OFFSET = 1024;
const EXT_MAGIC = 0xef53;
const INCOMPAT_64BIT = 0x80;

/** The volume label of the ext2/3/4 filesystem at `offset`, or null when there is none there. */
export async function readExtLabel(read: BlockIO['read'], offset: number): Promise<string | null> {
  let superblock: Buffer;
  try {
    superblock = await read(offset + SUPERBLOCK_OFFSET, 1024);
  } catch {
    return null;
  }
  if (superblock.length < 0x88 || superblock.readUInt16LE(0x38) !== EXT_MAGIC) return null;
  return superblock.subarray(0x78, 0x88).toString('utf8').replace(/\0.*$/s, '');
}

/**
 * Bytes the ext2/3/4 filesystem at `offset` has free, from its superblock (the blocks root may
 * use included: the app writes as root). mkfs and an unmount keep the count current; an image
 * is written by a builder that unmounted it.
 */
export async function readExtFreeBytes(read: BlockIO['read'], offset: number): Promise<number> {
  const superblock = await read(offset + SUPERBLOCK_OFFSET, 1024);
  const blockSize = 1024 << superblock.readUInt32LE(0x18);
  const is64bit = (superblock.readUInt32LE(0x60) & INCOMPAT_64BIT) !== 0;
  const freeBlocks = superblock.readUInt32LE(0x0c) + (is64bit ? superblock.readUInt32LE(0x158) * 2 ** 32 : 0);
  return freeBlocks * blockSize;
}

/** Every ext filesystem in the partition table, with its label. */
export async function listExtPartitions(read: BlockIO['read'], size: number): Promise<Ext4Partition[]> {
  let table: Awaited<ReturnType<typeof getPartitions>>;
  try {
    table = await getPartitions(new BlockIODisk({ read, size }), { includeExtended: false });
  } catch {
    throw new FiotError('NOT_FEDORA_IOT', 'The image has no partition table this app can read, so it has no “boot” partition to provision.');
  }
  const found: Ext4Partition[] = [];
  for (const partition of table.partitions) {
    if (partition.size <= 0 || partition.offset + partition.size > size) continue;
    const label = await readExtLabel(read, partition.offset);
    if (label !== null) found.push({ index: partition.index, offset: partition.offset, size: partition.size, label });
  }
  return found;
}

export interface FedoraIotPartitions {
  boot: Ext4Partition;
  /** Absent when the root filesystem is not ext4 (e.g. a bootc image built with xfs). */
  root?: Ext4Partition;
}

export async function findFedoraIotPartitions(read: BlockIO['read'], size: number): Promise<FedoraIotPartitions> {
  const partitions = await listExtPartitions(read, size);
  const boot = partitions.find((p) => p.label === 'boot');
  if (!boot) {
    const labels = partitions.map((p) => `“${p.label || '(no label)'}”`).join(', ');
    throw new FiotError('NOT_FEDORA_IOT', `No ext4 partition labelled “boot” was found${labels ? ` (ext4 partitions found: ${labels})` : ''}.`);
  }
  const root = partitions.find((p) => p.label === 'root');
  return root ? { boot, root } : { boot };
}
