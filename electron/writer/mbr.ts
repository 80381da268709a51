/**
 * The one-partition MBR a restored card gets: the partition starts at 1 MiB (the erase-block
 * alignment SD cards are made for) and runs to the last whole MiB. LBA addressing only: the CHS
 * fields carry the "beyond CHS" marker every OS since the 90s ignores.
 */
export const SECTOR = 512;
export const PARTITION_START = 1024 * 1024;
/** An MBR counts sectors in 32 bits: 2 TiB at 512-byte sectors. */
export const MBR_LIMIT_BYTES = 2 ** 32 * SECTOR;

export const PARTITION_TYPE = { fat32: 0x0c, exfat: 0x07 } as const;

export function partitionSpan(driveSize: number): { offset: number; size: number } {
  const end = Math.floor(Math.min(driveSize, MBR_LIMIT_BYTES) / PARTITION_START) * PARTITION_START;
  return { offset: PARTITION_START, size: end - PARTITION_START };
}

export function onePartitionMbr(span: { offset: number; size: number }, type: number, diskSignature: number): Buffer {
  const mbr = Buffer.alloc(SECTOR);
  mbr.writeUInt32LE(diskSignature >>> 0, 440);
  const entry = 446;
  mbr[entry] = 0x00; // not bootable
  mbr.set([0xfe, 0xff, 0xff], entry + 1);
  mbr[entry + 4] = type;
  mbr.set([0xfe, 0xff, 0xff], entry + 5);
  mbr.writeUInt32LE(span.offset / SECTOR, entry + 8);
  mbr.writeUInt32LE(span.size / SECTOR, entry + 12);
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  return mbr;
}
