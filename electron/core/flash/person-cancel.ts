/**
 * A person's own Cancel (the app's button, Ctrl-C), as each card and the result say it: the card is
 * incomplete, and, for an image written while it downloaded, what became of the download, true for
 * that server (kept and continued by the next write, or not kept). Whichever of the writer and the
 * download noticed the cancel first, the words are the same.
 */
import { downloadLeftWords, type DownloadLeft } from '../../../shared/domain/download-left';
import type { FlashResult } from '../../../shared/domain/flash';
import type { MediumWords } from '../../../shared/domain/medium-words';
import { FiotError } from '../../../shared/errors';

export function cancelledWrite(medium: MediumWords, left: DownloadLeft | null): FiotError {
  return new FiotError('CANCELLED', left ? `The write was cancelled. ${downloadLeftWords(left, 'write')}` : 'The write was cancelled.', `The ${medium.one} is incomplete: write it again before using it.`);
}

/**
 * The result with the cancel said in these words on every card it stopped (a card finished before,
 * or failed for its own reason, keeps its outcome), and what the download left, for the next write.
 */
export function asCancelled(result: FlashResult, medium: MediumWords, left: DownloadLeft | null): FlashResult {
  const error = cancelledWrite(medium, left).toInfo();
  const stopped = (target: FlashResult['targets'][number]) => target.state === 'cancelled' || target.error?.code === 'CANCELLED';
  return {
    ...result,
    targets: result.targets.map((target) => (stopped(target) ? { ...target, state: 'cancelled', error } : target)),
    ...(result.error?.code === 'CANCELLED' || !result.error ? { error } : {}),
    ...(left ? { downloadLeft: left } : {}),
  };
}
