/**
 * What a flash job's reports mean for the bench's slots: its progress moves its cards' tiles, its
 * end settles them (or sends them back to wait when the job stopped for want of a row). Each card
 * is counted the moment its slot shows it finished.
 */
import type { FlashProgress, FlashResult } from '../../../shared/domain/flash';
import { tally, type Running } from './bench-count';
import { finished, notNow } from './bench-rules';
import type { BenchSlots } from './bench-slots';

/** Moves the job's cards; `mine`: the job is the bench's; `prepared`: a card of it left `pending` (its names and rows are taken). */
export function applyProgress(slots: BenchSlots, session: Running | null, progress: FlashProgress): { mine: boolean; prepared: boolean } {
  let mine = false;
  let prepared = false;
  for (const target of progress.targets) {
    const slot = slots.ownSlot(progress.jobId, target.device);
    if (!slot) continue;
    mine = true;
    prepared = prepared || (slot.state === 'pending' && target.state !== 'pending');
    slots.update(target.device, {
      jobId: progress.jobId, state: target.state, bytesWritten: target.bytesWritten, figure: target.figure, download: progress.download,
      // Done before the job's end: a card of a verifying job is done only once its read-back matched.
      ...(target.state === 'done' ? { verified: session?.request.verify !== false } : {}),
      ...(target.hostname ? { hostname: target.hostname } : {}), ...(target.tableLine ? { tableRow: target.tableRow, tableLine: target.tableLine } : {}), ...(target.error ? { error: target.error } : {}),
    });
    if (session) tally(session, progress.jobId, slots.get(target.device));
  }
  return { mine, prepared };
}

/** Settles the job's cards; true when any was the bench's. `session`: the session the job is counted in, if any. */
export function applyResult(slots: BenchSlots, session: Running | null, result: FlashResult): boolean {
  let mine = false;
  // A job that stopped before writing for want of a row (another process took it): its cards wait again.
  const retake = result.error && notNow.has(result.error.code) && result.targets.every((t) => t.bytesWritten === 0);
  for (const target of result.targets) {
    if (!slots.ownSlot(result.jobId, target.device)) continue;
    mine = true;
    if (retake) {
      slots.update(target.device, { state: 'waiting', waitingFor: 'rows', jobId: undefined });
      continue;
    }
    const error = target.error ?? (target.state === 'done' ? undefined : result.error);
    slots.update(target.device, {
      jobId: result.jobId, state: target.state, bytesWritten: target.bytesWritten, verified: target.verified === true,
      ...(target.hostname ? { hostname: target.hostname } : {}), ...(target.tableLine ? { tableRow: target.tableRow, tableLine: target.tableLine } : {}), ...(error ? { error } : {}),
      ...(target.oldData ? { oldData: target.oldData } : {}),
    });
    if (session) tally(session, result.jobId, slots.get(target.device));
  }
  // A job that stopped before its targets were resolved names none: its slots take the job's error.
  for (const slot of slots.all()) {
    if (slot.jobId !== result.jobId || finished.has(slot.state) || slot.state === 'waiting') continue;
    mine = true;
    slots.update(slot.device, { state: 'failed', error: result.error ?? { code: 'INTERNAL', message: 'The write stopped without saying why.' } });
    if (session) tally(session, result.jobId, slots.get(slot.device));
  }
  return mine;
}
