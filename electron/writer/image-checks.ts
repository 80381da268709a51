/**
 * The checks the core makes of a source image before writing (does it fit the board, does it offer
 * what the provisioning needs), made here for an image that was still downloading when the job
 * started: the core had no bytes to read then. They are made as early as the bytes allow: from
 * pieces of the image kept as it streams past (its partition table, the head of its ESP, the first
 * 32 MiB of `boot`), as soon as those have arrived, so an image that cannot be used is refused
 * long before the download ends. What those pieces cannot answer (a `boot` whose metadata lies
 * further on, Zezere's root filesystem) is checked once the whole image is written, on the image
 * as the first live card holds it (its held-back head served from memory), before any card is
 * provisioned or gets its partition tables. Every card carries the same image, so one answer is
 * every card's; a refusal fails them all, each left without a partition table.
 */
import { boardMismatch, boardMismatchError } from '../../shared/domain/board-fit';
import { FiotError, toErrorInfo } from '../../shared/errors';
import type { WriterJob } from '../../shared/writer-protocol';
import type { DownloadFeed, ImageChunk } from '../core/image-source';
import { ImageWindows, watchForChecks } from '../core/provision/image-windows';
import { provisioningOverlay } from './provision-seam';
import { isLive, type TargetSlot } from './slots';
import type { HeldHead } from './write-stream';

export type ImageChecks = NonNullable<WriterJob['imageChecks']>;
type ReadAt = (offset: number, length: number) => Promise<Buffer>;

/** An image whose size the server did not tell: any bound past the kept pieces serves. */
const UNKNOWN_SIZE = 2 ** 40;
/** An ESP keeps its FATs and first directories at its start: what the board check reads. */
const ESP_HEAD_BYTES = 4 << 20;

/** Loaded only for a run that provisions, so a plain flash never loads the ext4 WebAssembly module. */
async function checkProvisioning(needs: NonNullable<ImageChecks['provisioning']>, read: ReadAt, size: number): Promise<void> {
  const { inspectImageForProvisioning } = await import('../core/provision/inspect');
  await inspectImageForProvisioning(read, size, needs.mode, needs.kernelArguments, needs.configBytes);
}

/** The board the image is for against the one chosen; null when the image does not say. */
async function boardRefusal(fit: NonNullable<ImageChecks['board']>, read: ReadAt, size: number): Promise<FiotError | null> {
  const { readImageArch } = await import('../core/image-arch/read-arch');
  const found = await readImageArch(read, size);
  const mismatch = found ? boardMismatch(fit.board, found.arch) : null;
  return mismatch ? boardMismatchError(mismatch, fit.overrideWords) : null;
}

/**
 * The refusal in words that say what the card holds now. The checks speak as before a write
 * ("nothing was written"); here the card was being written, so that clause gives way to what it holds.
 */
function refusedWhileWriting(error: FiotError): FiotError {
  const said = error.message.replace(/[;.]?\s*nothing was written\.?$/i, '.');
  return new FiotError(error.code, `${said} The card was being written while the image downloaded: it was left without a partition table, so it starts nothing, and it was not set up for its first boot.`, error.hint);
}

/**
 * The early half: watches the chunks as they go to the cards and, once the kept pieces are
 * complete, asks each check of them alone. A sure answer (one that read nothing it had not kept)
 * settles that check; a refusal throws from the chunk loop, stopping the write and the download.
 */
export class StreamedImageChecks {
  private readonly windows: ImageWindows;
  private readonly size: number;
  private asked = false;
  private readonly settled = { board: false, provisioning: false };

  constructor(private readonly checks: ImageChecks, imageSize: number | null) {
    this.size = imageSize ?? UNKNOWN_SIZE;
    this.windows = new ImageWindows(this.size);
    watchForChecks(this.windows, { boot: checks.provisioning !== undefined, ...(checks.board ? { fatHeads: ESP_HEAD_BYTES } : {}) });
  }

  /** The chunks, passed on unchanged once the kept pieces took theirs (a chunk's buffer is refilled after it is passed on). */
  async *watch(chunks: AsyncIterable<ImageChunk>): AsyncGenerator<ImageChunk> {
    for await (const chunk of chunks) {
      if (!this.asked) await this.observe(chunk);
      yield chunk;
    }
  }

  private async observe(chunk: ImageChunk): Promise<void> {
    await this.windows.take(chunk.data, chunk.offset);
    if (!this.windows.complete) return;
    this.asked = true;
    await this.askKeptPieces();
  }

  /** Each check on the kept pieces: any read of a byte not kept leaves it to the written card. */
  private async askKeptPieces(): Promise<void> {
    const { windows, checks } = this;
    if (checks.board) {
      const missed = windows.misses.length;
      const refusal = await boardRefusal(checks.board, windows.read, this.size).catch(() => undefined);
      if (refusal !== undefined && windows.misses.length === missed) {
        if (refusal) throw refusedWhileWriting(refusal);
        this.settled.board = true;
      }
    }
    if (checks.provisioning) {
      const missed = windows.bootMisses().length;
      try {
        await checkProvisioning(checks.provisioning, windows.read, this.size);
        this.settled.provisioning = windows.bootMisses().length === missed;
      } catch (error) {
        if (error instanceof FiotError && windows.bootMisses().length === missed) throw refusedWhileWriting(error);
      }
    }
    // The pieces are no longer needed: the writer's memory goes back to the chunks in flight.
    windows.release();
  }

  /** The checks the kept pieces did not settle: made on the written card. */
  remaining(): ImageChecks {
    const { board, provisioning } = this.checks;
    return { ...(board && !this.settled.board ? { board } : {}), ...(provisioning && !this.settled.provisioning ? { provisioning } : {}) };
  }
}

/**
 * The late half: throws the first refusal, for every card. A damaged download can pass for a wrong
 * image: the download's own verdict is awaited first, so the job reports the checksum mismatch instead.
 */
export async function checkWrittenImage(checks: ImageChecks, slots: TargetSlot[], head: HeldHead, imageSize: number, download: DownloadFeed | undefined, signal: AbortSignal): Promise<void> {
  const card = slots.find(isLive);
  if (!card || (!checks.board && !checks.provisioning)) return;
  const { read } = provisioningOverlay(card.io, head, imageSize);
  try {
    // An ESP that cannot be read does not say: only a sure mismatch stops the write, as in the core.
    const refusal = checks.board ? await boardRefusal(checks.board, read, imageSize).catch(() => null) : null;
    if (refusal) throw refusal;
    if (checks.provisioning) {
      await checkProvisioning(checks.provisioning, read, imageSize).catch((error: unknown) => {
        if (error instanceof FiotError) throw error;
        throw new FiotError('NOT_FEDORA_IOT', `The image's “boot” partition could not be read (${toErrorInfo(error).message}), so the first-boot setup has nowhere to go.`, 'Write a Fedora IoT raw image.');
      });
    }
  } catch (error) {
    await download?.verified(signal).catch(() => undefined);
    throw error instanceof FiotError ? refusedWhileWriting(error) : error;
  }
}
