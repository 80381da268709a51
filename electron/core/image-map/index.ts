/**
 * Which bytes of a disk image must be written to a card: partition tables, gaps, unknown
 * filesystems and every block a recognized filesystem (ext4, vfat) may read. Free space is skipped,
 * so a card keeps its old bytes there; nothing that reads the filesystem ever looks at them.
 */
export type { ByteRange, PartitionInfo } from './types';
export { parsePartitionTable, TABLE_HEAD_BYTES } from './partition-table';
export { mapImage, type ImageMap, type ReadAt } from './map-image';
export { StreamingAllocationMap } from './streaming-map';
export { mergeRanges } from './ranges';
