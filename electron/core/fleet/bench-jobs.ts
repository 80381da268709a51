/**
 * The flash jobs a bench starts: one for the cards a writer and rows are free for, each card
 * numbered in insertion order, and which jobs have not reported their end yet.
 */
import type { BenchSlot } from '../../../shared/api/bench';
import type { FlashRequest } from '../../../shared/domain/flash';
import { toErrorInfo } from '../../../shared/errors';
import type { Running } from './bench-count';
import { notNow, writing } from './bench-rules';
import type { BenchSlots } from './bench-slots';

export class BenchJobs {
  /** Jobs started and not yet reported done: a card's last progress comes before its job's end. */
  private readonly unfinished = new Set<string>();
  private nextCard = 1;

  constructor(private readonly slots: BenchSlots, private readonly startFlash: (request: FlashRequest) => Promise<{ jobId: string }>) {}

  /** A new session numbers its cards from 1. */
  renumber(): void {
    this.nextCard = 1;
  }

  get running(): boolean {
    return this.unfinished.size > 0;
  }

  /** The job reported its end; true when it was one awaited. */
  ended(jobId: string): boolean {
    return this.unfinished.delete(jobId);
  }

  /**
   * A card whose last progress said done while its job has not reported its end yet: its slot
   * stays until that end, which counts the card, remembers it as written (so put back in, it is
   * known) and tells whenIdle. Forgetting it earlier (pulled out, or the session ended, right
   * after it verified) lost the card from the count and could leave whenIdle waiting for ever.
   */
  settling(slot: BenchSlot): boolean {
    return Boolean(slot.jobId && this.unfinished.has(slot.jobId));
  }

  /** Starts one job writing the session's image to `targets`; a job that cannot start fails them, or, for "not now", sends them back to wait. */
  async start(session: Running, targets: string[]): Promise<void> {
    const cards = targets.map((device) => this.slots.get(device)?.card ?? this.nextCard++);
    targets.forEach((device, i) => this.slots.update(device, { state: 'pending', waitingFor: undefined, card: cards[i] }));
    try {
      const { includePresent: _confirmed, ...request } = session.request;
      const { jobId } = await this.startFlash({ ...request, targets, session: { id: session.id, cards } });
      session.jobs.add(jobId);
      // Unless its end already came (it may beat this answer): then its cards are finished.
      if (targets.some((device) => writing.has(this.slots.get(device)?.state ?? 'done'))) this.unfinished.add(jobId);
      for (const device of targets) this.slots.update(device, { jobId });
    } catch (error) {
      const info = toErrorInfo(error);
      // Another front end took the last writer between the look and the start: the cards wait again.
      if (notNow.has(info.code)) for (const device of targets) this.slots.update(device, { state: 'waiting', waitingFor: 'writer' });
      else for (const device of targets) this.slots.update(device, { state: 'failed', error: info });
    }
  }
}
