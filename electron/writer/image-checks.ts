/**
 * The checks the core makes of a source image before writing (does it fit the board, does it offer
 * what the provisioning needs), made here for an image that was still downloading when the job
 * started: the core had no bytes to read then. They read the image as written to the first live
 * card, its held-back head served from memory, once the whole image has streamed past and before
 * any card is provisioned or gets its partition tables. Every card carries the same image, so one
 * card's answer is every card's; a refusal fails them all, each left without a partition table.
 */
import { boardMismatch, boardMismatchError } from '../../shared/domain/board-fit';
import { FiotError, toErrorInfo } from '../../shared/errors';
import type { WriterJob } from '../../shared/writer-protocol';
import type { DownloadFeed } from '../core/image-source';
import { provisioningOverlay } from './provision-seam';
import { isLive, type TargetSlot } from './slots';
import type { HeldHead } from './write-stream';

type ImageChecks = NonNullable<WriterJob['imageChecks']>;
type ReadAt = (offset: number, length: number) => Promise<Buffer>;

/** Loaded only for a run that provisions, so a plain flash never loads the ext4 WebAssembly module. */
async function checkProvisioning(needs: NonNullable<ImageChecks['provisioning']>, read: ReadAt, size: number): Promise<void> {
  const { inspectImageForProvisioning } = await import('../core/provision/inspect');
  try {
    await inspectImageForProvisioning(read, size, needs.mode, needs.kernelArguments, needs.configBytes);
  } catch (error) {
    if (error instanceof FiotError) throw error;
    throw new FiotError('NOT_FEDORA_IOT', `The image's “boot” partition could not be read (${toErrorInfo(error).message}), so the provisioning has nowhere to go.`, 'Write a Fedora IoT raw image.');
  }
}

/** An image whose ESP does not say (or cannot be read) is let through, as the core's own check does. */
async function checkBoard(fit: NonNullable<ImageChecks['board']>, read: ReadAt, size: number): Promise<void> {
  const { readImageArch } = await import('../core/image-arch/read-arch');
  const found = await readImageArch(read, size).catch(() => null);
  const mismatch = found ? boardMismatch(fit.board, found.arch) : null;
  if (mismatch) throw boardMismatchError(mismatch, fit.overrideWords);
}

/** The refusal in words that say what the card holds now. */
function refusedAfterWriting(error: FiotError): FiotError {
  return new FiotError(error.code, `${error.message} The image was written while it downloaded, so the card holds it without a partition table: it starts nothing and was not provisioned.`, error.hint);
}

/**
 * Throws the first refusal, for every card. A damaged download can pass for a wrong image: the
 * download's own verdict is awaited first, so the job reports the checksum mismatch instead.
 */
export async function checkWrittenImage(checks: ImageChecks, slots: TargetSlot[], head: HeldHead, imageSize: number, download: DownloadFeed | undefined, signal: AbortSignal): Promise<void> {
  const card = slots.find(isLive);
  if (!card) return;
  const { read } = provisioningOverlay(card.io, head, imageSize);
  try {
    if (checks.board) await checkBoard(checks.board, read, imageSize);
    if (checks.provisioning) await checkProvisioning(checks.provisioning, read, imageSize);
  } catch (error) {
    await download?.verified(signal).catch(() => undefined);
    throw error instanceof FiotError ? refusedAfterWriting(error) : error;
  }
}
