/**
 * Provisioning a card (or image file) that already holds a Fedora IoT image, in the writer: the
 * same checks as the core made, the card opened the way a flash opens it (its UDisks2 descriptor,
 * or exclusively by path), the plan injected, and every block the injector wrote read back from
 * the card (not the page cache) and compared.
 */
import type { BlockIO } from '../core/provision/block-io';
import { resolveTarget } from '../core/drives/resolve-target';
import { checkProvisionTarget } from '../../shared/domain/provision-target';
import { FiotError } from '../../shared/errors';
import type { ProvisionedResult, ProvisionJob } from '../../shared/writer-protocol';
import { admitTarget } from './prepare-targets';
import type { ProvisioningInjector } from './provision-seam';
import { mergeRanges } from '../core/image-source/ranges';
import { ALIGNMENT, alignedBuffer, TargetIO } from './target-io';

/** A BlockIO over the open card that remembers what each written block must hold afterwards. */
function recordingIO(io: TargetIO, size: number): BlockIO & { written: Map<number, Buffer> } {
  const written = new Map<number, Buffer>();
  return {
    size,
    written,
    read: async (offset, length) => Buffer.from(await io.read(offset, length)),
    async write(data, offset) {
      if (offset < 0 || offset + data.length > size) throw new FiotError('INTERNAL', `Provisioning tried to reach ${offset}+${data.length}, outside the card’s ${size} bytes.`);
      const start = Math.floor(offset / ALIGNMENT) * ALIGNMENT;
      const end = Math.min(Math.ceil((offset + data.length) / ALIGNMENT) * ALIGNMENT, size);
      const block = alignedBuffer(end - start).subarray(0, end - start);
      (await io.read(start, end - start)).copy(block);
      data.copy(block, offset - start);
      await io.write(block, start);
      for (let at = start; at < end; at += ALIGNMENT) written.set(at, Buffer.from(block.subarray(at - start, Math.min(at + ALIGNMENT, end) - start)));
    },
  };
}

export async function runProvision(job: ProvisionJob, inject: ProvisioningInjector, elevated: boolean): Promise<ProvisionedResult> {
  const drive = await resolveTarget(job.device);
  const size = checkProvisionTarget(drive);
  await admitTarget(drive, elevated, job.descriptor);
  const io = await TargetIO.openInPlace(drive, job.descriptor);
  try {
    const card = recordingIO(io, size);
    const { changed } = await inject(card, job.plan);
    await io.flush();
    for (const [offset, expected] of card.written) {
      if (!(await io.read(offset, expected.length)).equals(expected)) {
        throw new FiotError('VERIFY_FAILED', `${drive.device} did not keep the provisioning written at byte ${offset}.`, 'Do not use this card: write it again, or use another card.');
      }
    }
    const hostname = job.plan.mode === 'config' ? job.plan.hostname : undefined;
    return { device: drive.device, mode: job.plan.mode, ...(hostname ? { hostname } : {}), changed: mergeRanges(changed) };
  } finally {
    await io.close();
  }
}
