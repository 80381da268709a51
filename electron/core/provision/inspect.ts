/**
 * What an image or card offers provisioning, found before anything is written: the `boot`
 * partition, the first-boot stamp, the boot entries, and whether the image ships zezere-ignition.
 * Takes only a `read`, so the flash pipeline can call it on a source image before writing cards.
 */
import { FiotError } from '../../../shared/errors';
import { formatSize } from '../../../shared/format-size';
import type { ProvisioningPlan } from '../../../shared/provisioning';
import type { BlockIO } from './block-io';
import { BOOT_ENTRIES_DIR } from './boot-entries';
import { exists, withExtFs, type ExtFs } from './ext-fs';
import { FIRSTBOOT_STAMP } from './firstboot-stamp';
import { BlockIODisk } from './io-disk';
import { findFedoraIotPartitions, readExtFreeBytes, type Ext4Partition } from './partitions';

export interface ProvisioningTargetInfo {
  boot: Ext4Partition;
  root?: Ext4Partition;
  hasFirstbootStamp: boolean;
  bootEntries: string[];
  /** Only looked for when Zezere mode asks (it means reading the root filesystem). */
  hasZezere?: boolean;
}

const ZEZERE_PATHS = ['usr/bin/zezere-ignition', 'usr/lib/zezere-ignition-url'];

/** Deployment roots: ostree's `/ostree/deploy/<os>/deploy/<checksum>.<n>`, or `/` for a plain root. */
async function deploymentRoots(fs: ExtFs): Promise<string[]> {
  const roots = ['/'];
  for (const os of await fs.readdir('/ostree/deploy').catch(() => [] as string[])) {
    for (const deployment of await fs.readdir(`/ostree/deploy/${os}/deploy`).catch(() => [] as string[])) {
      if (!deployment.endsWith('.origin')) roots.push(`/ostree/deploy/${os}/deploy/${deployment}/`);
    }
  }
  return roots;
}

async function rootHasZezere(read: BlockIO['read'], size: number, root: Ext4Partition): Promise<boolean> {
  return withExtFs(new BlockIODisk({ read, size }), root.offset, async (fs) => {
    for (const base of await deploymentRoots(fs)) {
      for (const path of ZEZERE_PATHS) if (await exists(fs, base + path)) return true;
    }
    return false;
  });
}

/** The kernel arguments a plan puts on the boot entries. */
export function planKernelArguments(plan: ProvisioningPlan): string[] {
  return plan.mode === 'config' ? (plan.kernelArguments ?? []) : [];
}

/** Room a config file needs beyond its own blocks: the ignition folder, extent blocks, the stamp. */
const CONFIG_SLACK_BYTES = 256 * 1024;

/** Refuses a config the `boot` filesystem has no room for, before anything is written. */
async function checkConfigRoom(read: BlockIO['read'], boot: Ext4Partition, configBytes: number): Promise<void> {
  if (configBytes === 0) return;
  const free = await readExtFreeBytes(read, boot.offset);
  if (configBytes + CONFIG_SLACK_BYTES <= free) return;
  throw new FiotError('CONFIG_TOO_LARGE', `The Ignition config is ${formatSize(configBytes)}; the image’s “boot” partition has ${formatSize(free)} free, so it cannot hold it. Nothing was written.`);
}

/**
 * `kernelArguments`: what the plan puts on the boot entries; `configBytes`: the size of the
 * Ignition config to be written (config mode), checked against the room in `boot`.
 */
export async function inspectImageForProvisioning(
  read: BlockIO['read'],
  size: number,
  mode: ProvisioningPlan['mode'] = 'config',
  kernelArguments: readonly string[] = [],
  configBytes = 0,
): Promise<ProvisioningTargetInfo> {
  const { boot, root } = await findFedoraIotPartitions(read, size);
  await checkConfigRoom(read, boot, configBytes);
  const info = await withExtFs(new BlockIODisk({ read, size }), boot.offset, async (fs) => ({
    boot,
    ...(root ? { root } : {}),
    hasFirstbootStamp: await exists(fs, FIRSTBOOT_STAMP),
    bootEntries: (await fs.readdir(BOOT_ENTRIES_DIR).catch(() => [] as string[])).filter((name) => name.endsWith('.conf')),
  }));

  if (mode !== 'zezere' && !info.hasFirstbootStamp) {
    throw new FiotError('NOT_FEDORA_IOT', 'The “boot” partition has no ignition.firstboot stamp, so Ignition would not run: this card has booted already, or the image is not a Fedora IoT raw image.',
      'Write a fresh Fedora IoT image first, then provision it before its first boot.');
  }
  if (kernelArguments.length && info.bootEntries.length === 0) {
    throw new FiotError('NOT_FEDORA_IOT', `The “boot” partition has no boot entries in ${BOOT_ENTRIES_DIR} to carry the kernel arguments (${kernelArguments.join(' ')}); nothing was written.`,
      'Write a Fedora IoT raw image, or leave out the kernel arguments and the Wi-Fi country.');
  }
  if (mode === 'zezere') {
    const hasZezere = root ? await rootHasZezere(read, size, root) : false;
    if (!hasZezere) {
      throw new FiotError('ZEZERE_UNSUPPORTED', 'zezereUrl: this image does not contain zezere-ignition (Fedora IoT images dropped it in February 2025).');
    }
    if (info.bootEntries.length === 0) throw new FiotError('NOT_FEDORA_IOT', `The “boot” partition has no boot entries in ${BOOT_ENTRIES_DIR} to carry zezere.url=.`);
    return { ...info, hasZezere };
  }
  return info;
}
