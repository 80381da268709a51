/** A span of bytes in a disk image. */
export interface ByteRange {
  offset: number;
  length: number;
}

/**
 * One partition of a disk image. `type` is the MBR type byte as `0x06`, or the GPT type GUID in
 * upper case. `fs` and `label` come from the filesystem itself, so only the mappers that read
 * the partition's contents (mapImage, StreamingAllocationMap) fill them; the table alone says 'other'.
 * `bootable` is the MBR boot flag; `name` is the GPT partition name.
 */
export interface PartitionInfo {
  index: number;
  offset: number;
  size: number;
  type: string;
  bootable?: boolean;
  fs: 'ext4' | 'vfat' | 'other';
  label?: string;
  name?: string;
}
