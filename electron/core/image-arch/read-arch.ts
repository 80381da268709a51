/**
 * Which machines an image is for, read from the image itself: the removable-media EFI loader in
 * its ESP (`EFI/BOOT/BOOTAA64.EFI` on 64-bit Arm, `BOOTX64.EFI` on x86_64). Fedora's raw images,
 * and those bootc-image-builder makes, boot through it on every board (U-Boot's EFI on a Pi,
 * the firmware on a PC), so its name is what the board's firmware will look for.
 */
import type { Arch } from '../../../shared/domain/board';
import { parsePartitionTable, TABLE_HEAD_BYTES, type PartitionInfo, type ReadAt } from '../image-map';
import { listFatDirectory, openFatVolume } from './fat-dir';

export interface ImageArch {
  arch: Arch;
  /** What told: the loader's path in the ESP, for messages. */
  evidence: string;
}

const LOADER_DIR = 'EFI/BOOT';
const loaders: Record<string, Arch> = { 'BOOTAA64.EFI': 'aarch64', 'BOOTX64.EFI': 'x86_64' };

/** MBR types of FAT filesystems (0xef: an ESP), and the GPT ESP and basic-data type GUIDs. */
const FAT_TYPES = new Set(['0x01', '0x04', '0x06', '0x0b', '0x0c', '0x0e', '0xef', 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B', 'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7']);
/**
 * The FATs and the first directories lie at the start of an ESP: reading this much at once costs
 * little on a file, and a compressed source then keeps them all in one pass.
 */
const ESP_HEAD_BYTES = 4 << 20;

function mayHoldFat(partition: PartitionInfo): boolean {
  return FAT_TYPES.has(partition.type);
}

/** The image's architecture, or null when it carries no loader of a known one (or loaders of both). */
export async function readImageArch(read: ReadAt, size: number): Promise<ImageArch | null> {
  const head = await read(0, Math.min(TABLE_HEAD_BYTES, size));
  const found = new Map<Arch, string>();
  for (const partition of parsePartitionTable(head, size).filter(mayHoldFat)) {
    await read(partition.offset, Math.min(ESP_HEAD_BYTES, partition.size));
    const volume = await openFatVolume(read, partition.offset);
    if (!volume) continue;
    for (const entry of (await listFatDirectory(volume, LOADER_DIR)) ?? []) {
      const arch = loaders[entry.name];
      if (arch && !entry.directory) found.set(arch, `${LOADER_DIR}/${entry.name}`);
    }
  }
  const [only, ...more] = [...found];
  return only && more.length === 0 ? { arch: only[0], evidence: only[1] } : null;
}
