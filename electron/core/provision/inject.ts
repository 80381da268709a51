/**
 * Injection into a written card or an image file: `ignition/config.ign` (directory 0700, file
 * 0600, root's) into the `boot` partition with the first-boot stamp kept, and the plan's kernel
 * arguments on the `options` line of every boot entry; or, in URL mode, the
 * stamp carrying `ignition.config.url=`; or, in Zezere mode, `zezere.url=` on the boot entries.
 *
 * Order: check everything (plan, partitions, stamp, zezere), rehearse the whole change on an
 * in-memory copy-on-write view of the card (a full or damaged filesystem fails here, card
 * untouched), write it for real while recording every byte range, then read it back through a
 * fresh mount. The writer reads the returned ranges back once more in its final verification.
 */
import { FiotError } from '../../../shared/errors';
import { parseIgnitionText, type ProvisioningPlan } from '../../../shared/provisioning';
import { confinedIO, recordingIO, type BlockIO, type ByteRange } from './block-io';
import { BOOT_ENTRIES_DIR, entryWithKernelArg, entryWithKernelArgs } from './boot-entries';
import { errorText, exists, withExtFs, type ExtFs } from './ext-fs';
import { FIRSTBOOT_STAMP, stampWithConfigUrl } from './firstboot-stamp';
import { inspectImageForProvisioning, planKernelArguments, type ProvisioningTargetInfo } from './inspect';
import { BlockIODisk } from './io-disk';
import type { Ext4Partition } from './partitions';

export const IGNITION_DIR = '/ignition';
export const IGNITION_CONFIG = '/ignition/config.ign';
const DIR_MODE = 0o700;
const CONFIG_MODE = 0o600;

export interface InjectResult {
  /** Byte ranges of the card or image written, for the writer's read-back. */
  changed: ByteRange[];
  boot: Ext4Partition;
  mode: ProvisioningPlan['mode'];
  hostname?: string;
}

/** What the boot partition must hold afterwards, file by file. */
type Expected = Map<string, string>;

async function applyPlan(fs: ExtFs, plan: ProvisioningPlan, info: ProvisioningTargetInfo): Promise<Expected> {
  const expected: Expected = new Map();
  if (plan.mode === 'config') {
    if (!(await exists(fs, IGNITION_DIR))) await fs.mkdir(IGNITION_DIR, DIR_MODE);
    await fs.chmod(IGNITION_DIR, DIR_MODE);
    await fs.chown(IGNITION_DIR, 0, 0);
    await fs.writeFile(IGNITION_CONFIG, plan.configText, { mode: CONFIG_MODE });
    await fs.chmod(IGNITION_CONFIG, CONFIG_MODE);
    await fs.chown(IGNITION_CONFIG, 0, 0);
    expected.set(IGNITION_CONFIG, plan.configText);
    if (plan.kernelArguments?.length) await addToBootEntries(fs, info.bootEntries, expected, (entry) => entryWithKernelArgs(entry, plan.kernelArguments!));
  } else if (plan.mode === 'url') {
    // A config left on the card by an earlier run would win over the URL: Ignition reads it first.
    if (await exists(fs, IGNITION_CONFIG)) await fs.unlink(IGNITION_CONFIG);
    const stamp = stampWithConfigUrl(await fs.readFile(FIRSTBOOT_STAMP, 'utf8'), plan.url);
    await fs.writeFile(FIRSTBOOT_STAMP, stamp);
    expected.set(FIRSTBOOT_STAMP, stamp);
  } else {
    await addToBootEntries(fs, info.bootEntries, expected, (entry) => entryWithKernelArg(entry, 'zezere.url', plan.url));
  }
  return expected;
}

async function addToBootEntries(fs: ExtFs, names: string[], expected: Expected, change: (entry: string) => string): Promise<void> {
  for (const name of names) {
    const path = `${BOOT_ENTRIES_DIR}/${name}`;
    const entry = change(await fs.readFile(path, 'utf8'));
    await fs.writeFile(path, entry);
    expected.set(path, entry);
  }
}

async function readBack(io: BlockIO, boot: Ext4Partition, plan: ProvisioningPlan, expected: Expected): Promise<void> {
  await withExtFs(new BlockIODisk({ read: io.read, size: io.size }), boot.offset, async (fs) => {
    for (const [path, text] of expected) {
      const found = await fs.readFile(path, 'utf8').catch(() => null);
      if (found !== text) throw new FiotError('VERIFY_FAILED', `Reading ${path} back from the boot partition did not give what was written.`);
    }
    if (!(await exists(fs, FIRSTBOOT_STAMP)) && plan.mode !== 'zezere') {
      throw new FiotError('VERIFY_FAILED', 'The ignition.firstboot stamp is missing after provisioning.');
    }
    if (plan.mode === 'config') {
      const dir = await fs.stat(IGNITION_DIR);
      const file = await fs.stat(IGNITION_CONFIG);
      if ((dir.mode & 0o7777) !== DIR_MODE || (file.mode & 0o7777) !== CONFIG_MODE || file.uid !== 0 || dir.uid !== 0) {
        throw new FiotError('VERIFY_FAILED', `${IGNITION_CONFIG} does not have the expected owner and modes (root, 0700/0600).`);
      }
    }
  });
}

/** The plan's shape is the writer protocol's (shared/writer-protocol.ts); its Ignition text is checked here, before anything is written. */
function checkConfigText(plan: ProvisioningPlan): void {
  if (plan.mode !== 'config') return;
  const { problems } = parseIgnitionText(plan.configText, 'config');
  if (problems.length) throw new FiotError('INVALID_INPUT', problems.map((p) => p.message).join('; '));
}

/** Provision the card or image behind `io`; nothing is written unless every check passes. */
export async function injectProvisioning(io: BlockIO, plan: ProvisioningPlan): Promise<InjectResult> {
  checkConfigText(plan);
  const info = await inspectImageForProvisioning(io.read, io.size, plan.mode, planKernelArguments(plan), plan.mode === 'config' ? Buffer.byteLength(plan.configText) : 0);
  try {
    await withExtFs(new BlockIODisk(io, { dryRun: true }), info.boot.offset, (fs) => applyPlan(fs, plan, info));
  } catch (error) {
    if (error instanceof FiotError) throw error;
    throw new FiotError('NOT_FEDORA_IOT', `The “boot” partition cannot take the provisioning (${errorText(error)}); the provisioning was not written to it.`, 'Check the card with e2fsck, or write the image again.');
  }
  const recording = recordingIO(confinedIO(io, info.boot.offset, info.boot.size));
  let expected: Expected;
  try {
    expected = await withExtFs(new BlockIODisk(recording), info.boot.offset, (fs) => applyPlan(fs, plan, info));
  } catch (error) {
    throw new FiotError('WRITE_FAILED', `Writing the provisioning into the “boot” partition failed (${errorText(error)}); the card may be half-provisioned.`,
      'Write the image again, then provision it again.');
  }
  await readBack(io, info.boot, plan, expected);
  return {
    changed: recording.changed(),
    boot: info.boot,
    mode: plan.mode,
    ...(plan.mode === 'config' && plan.hostname ? { hostname: plan.hostname } : {}),
  };
}
