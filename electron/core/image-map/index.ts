/**
 * Which bytes of a disk image must be written to a card: partition tables, gaps, unknown
 * filesystems and every block a recognized filesystem (ext4, vfat) may read. Free space is skipped.
 */
export type { ByteRange, PartitionInfo } from './types';
