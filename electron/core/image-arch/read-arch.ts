/**
 * Which machines an image is for, read from the image itself: the removable-media EFI loader in
 * its ESP (`EFI/BOOT/BOOTAA64.EFI` on 64-bit Arm, `BOOTX64.EFI` on x86_64). Fedora's raw images,
 * and those bootc-image-builder makes, boot through it on every board (U-Boot's EFI on a Pi,
 * the firmware on a PC), so its name is what the board's firmware will look for. An ESP without
 * one is read further: the distribution's own folder (`EFI/fedora/shimx64.efi`, `grubaa64.efi`)
 * names the architecture the same way.
 */
import type { Arch } from '../../../shared/domain/board';
import { parsePartitionTable, TABLE_HEAD_BYTES, type PartitionInfo, type ReadAt } from '../image-map';
import { listFatDirectory, openFatVolume } from './fat-dir';

export interface ImageArch {
  arch: Arch;
  /** What told: the loader's path in the ESP, for messages. */
  evidence: string;
}

const EFI_DIR = 'EFI';
const REMOVABLE_DIR = 'BOOT';
/** UEFI's architecture suffixes of loader names (removable-media `BOOTAA64.EFI`, shim, GRUB, MokManager). */
const LOADER_NAME = /^(?:BOOT|SHIM|GRUB|MM)(AA64|X64)\.EFI$/;
const suffixArch: Record<string, Arch> = { AA64: 'aarch64', X64: 'x86_64' };

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
    const vendors = ((await listFatDirectory(volume, EFI_DIR)) ?? []).filter((e) => e.directory && !e.name.startsWith('.'));
    // The removable-media loader first: it is what the firmware starts from a card or stick.
    vendors.sort((a, b) => Number(b.name === REMOVABLE_DIR) - Number(a.name === REMOVABLE_DIR));
    for (const vendor of vendors) {
      const dir = `${EFI_DIR}/${vendor.name}`;
      for (const entry of (await listFatDirectory(volume, dir)) ?? []) {
        const suffix = LOADER_NAME.exec(entry.name)?.[1];
        if (suffix && !entry.directory && !found.has(suffixArch[suffix]!)) found.set(suffixArch[suffix]!, `${dir}/${entry.name}`);
      }
      if (found.size > 0) break;
    }
  }
  const [only, ...more] = [...found];
  return only && more.length === 0 ? { arch: only[0], evidence: only[1] } : null;
}
