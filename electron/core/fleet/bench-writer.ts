/**
 * Station mode for a bench of card readers: a bench session. Its image, profile and table are
 * fixed from start to end; each removable card that appears and passes the drive rules is the
 * session's (a job started by hand refuses it) and is written with the next values of the series
 * or table, with no click. Cards wait, in insertion order, for a free writer and for a table row;
 * they never fail for want of either. Cards waiting together are written by one job (one decode for
 * all of them). A card stays in its slot (and is not written again) until it is pulled out. Put
 * back in (in any reader), a card the session already wrote is known by its identity and left
 * alone, spending no row or number: only ending the session lets it be written again. A card
 * that failed, or another card, is a new card. A card already in a reader when the session starts
 * was put there for something else (a card just written by hand, a stick with someone's files):
 * nobody confirmed erasing it, so it is left alone until it is taken out and put back in, or the
 * person names it ("Write this one too", `bench --include-present`).
 * A card taken out keeps its slot, saying whether it went out written, until the person dismisses it
 * or the next card goes into that reader. Switched off, the bench takes no card, but every card still
 * in a reader keeps its slot (how it went, or that it waited and was not written) until it is taken
 * out, so a tech clearing the bench still reads each card's result. A card is counted (written or
 * failed, its table row used) in the same status that shows it finished.
 *
 * It lives in the core, not in a page: a bench runs for hours, the page that switched it on may be
 * closed or reloaded, and a headless station or the CLI can drive the same service.
 */
import type { BenchRequest, BenchSlot, BenchStatus } from '../../../shared/api/bench';
import { sameCard, type CardIdentity, type Drive } from '../../../shared/domain/drive';
import type { FlashProgress, FlashRequest, FlashResult } from '../../../shared/domain/flash';
import { FiotError, toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { cardIdentity } from '../drives/device-identity';
import { processFlashLocks, type FlashLocks } from '../flash/flash-locks';
import type { EventBus } from '../router';
import { openSession, takeCount, sessionView, type Running } from './bench-count';
import { applyProgress, applyResult } from './bench-job-reports';
import { ReaderRounds, whyLeftAlone } from './bench-readers';
import { BenchJobs } from './bench-jobs';
import { benchOff, finished, writing } from './bench-rules';
import { BenchSlots } from './bench-slots';
import type { TableCount } from './bench-table';

export interface BenchDeps {
  events: EventBus;
  /** Drives present now, system drives left out. */
  list(): Promise<Drive[]>;
  /** flash:start: answers with the job's id; progress and the result arrive on `events`. */
  startFlash(request: FlashRequest): Promise<{ jobId: string }>;
  /** The session's table counted now (null without a table); default: no table counting. */
  countTable?(request: BenchRequest): Promise<TableCount | null>;
  /** Which card a drive is; default: serial, model and size from the system. */
  identify?(drive: Drive): CardIdentity;
  /** The job slots and card locks the flash jobs use; default: this process's. */
  locks?: FlashLocks;
  intervalMs?: number;
}

export class BenchWriter {
  private session: Running | null = null;
  private active = false;
  private readonly slots: BenchSlots;
  private readonly readers: ReaderRounds;
  private readonly jobs: BenchJobs;
  /** The table's count after a card finished once the session has ended (no dispatch counts it then). */
  private counting: Promise<void> = Promise.resolve();
  /** Devices holding a card when the session started, not confirmed: the first look leaves them alone. */
  private readonly beforeStart = new Set<string>();
  private readonly locks: FlashLocks;
  private readonly identify: (drive: Drive) => CardIdentity;

  constructor(private readonly deps: BenchDeps) {
    this.locks = deps.locks ?? processFlashLocks;
    this.slots = new BenchSlots(this.locks);
    this.jobs = new BenchJobs(this.slots, (request) => deps.startFlash(request));
    this.identify = deps.identify ?? cardIdentity;
    this.readers = new ReaderRounds(async () => {
      await this.look();
      await this.dispatch();
    }, () => this.active, deps.intervalMs ?? 1000);
    deps.events.subscribe((event, payload) => {
      if (event === 'flash:progress') this.onProgress(payload);
      else if (event === 'flash:done') this.onDone(payload);
    });
  }

  status(): BenchStatus {
    const slots = this.slots.inDeviceOrder();
    const session = this.session ? sessionView(this.session) : undefined;
    return { active: this.active, ...(session ? { source: session.source, session } : {}), slots };
  }

  /**
   * Starts a session. Switching it on confirms erasing the cards inserted from now on; cards
   * already in the readers are left alone (PRESENT_AT_START) unless `includePresent` names them.
   * A session runs until stopped: another start is refused (SESSION_RUNNING).
   */
  async start(request: BenchRequest): Promise<BenchStatus> {
    if (this.active) throw new FiotError('SESSION_RUNNING', 'The card bench is already on, writing every card inserted.');
    const confirmed = request.includePresent ?? [];
    const present = await this.present();
    // Counted now: a table or profile that does not hold up is refused at the switch, not at the first card.
    const table = await this.deps.countTable?.(request);
    this.session = openSession(request, table);
    this.active = true;
    this.jobs.renumber();
    for (const slot of this.slots.all()) if (finished.has(slot.state)) this.slots.forget(slot.device);
    for (const drive of present) {
      const identity = this.identify(drive);
      if (!confirmed.some((card) => card.device === drive.device && sameCard(card.identity, identity))) this.beforeStart.add(drive.device);
    }
    this.readers.watch();
    try {
      await this.poll();
    } finally {
      this.beforeStart.clear();
    }
    return this.changed();
  }

  /** Removable, non-system cards in the readers now. */
  private async present(): Promise<Drive[]> {
    return (await this.deps.list()).filter((d) => d.isRemovable && !d.isSystem);
  }

  /**
   * "Write this one too": a card left alone because it was in its reader when the session started
   * joins the queue, while it is the card the person was shown (`identity`).
   */
  async include(device: string, identity?: CardIdentity): Promise<BenchStatus> {
    const slot = this.slots.get(device);
    if (!this.active || slot?.error?.code !== 'PRESENT_AT_START') throw new FiotError('NOT_FOUND', `No card left alone by the running session is in ${device}.`);
    return this.requeue(slot, () => this.present(), {
      gone: `The card in ${device} is not there any more.`, changed: `The card in ${device} is not the one shown; the session takes it as a new card.`,
    }, identity);
  }

  /**
   * Ends the session: no new card is taken; cards being written are finished. Every slot stays on
   * show (a card taken out, and a card still in its reader until it is taken out): the person may
   * not have read how it went.
   */
  stop(): BenchStatus {
    for (const slot of this.slots.waiting()) this.slots.update(slot.device, { state: 'refused', waitingFor: undefined, error: benchOff });
    this.halt();
    return this.changed();
  }

  /**
   * No more new cards, no more claims: cards being written go on under their jobs' locks. The
   * readers are still looked at while a slot shows a card in one, to note when it is taken out.
   */
  private halt(): void {
    this.active = false;
    this.slots.releaseClaims();
    this.stopWatching();
  }

  /** Off and no card left in a reader to watch: the looking ends. */
  private stopWatching(): void {
    if (this.active || !this.readers.watching || this.slots.all().some((slot) => !slot.removedAt)) return;
    this.readers.unwatch();
  }

  /** Resolves once no card of any session is being written (after stop: when the session has ended). */
  async whenIdle(): Promise<void> {
    while (this.jobs.running || this.slots.all().some((slot) => writing.has(slot.state))) {
      await new Promise<void>((resolve) => {
        const off = this.deps.events.subscribe((...[event]) => {
          if (event !== 'bench:changed') return;
          off();
          resolve();
        });
      });
    }
    await this.counting;
  }

  /** Writes a failed card again, only while the same card is still in its reader. */
  async retry(device: string): Promise<BenchStatus> {
    const slot = this.slots.get(device);
    if (!this.active || !slot || slot.state !== 'failed') throw new FiotError('NOT_FOUND', `No failed card of the card bench is in ${device}.`);
    return this.requeue(slot, () => this.deps.list(), {
      gone: `The card that failed in ${device} is not there any more.`, changed: `The card in ${device} is not the one that failed; the card bench takes it as a new card.`,
    });
  }

  /** The slot's card queues again, while it is still in its reader (and is the card the person was `shown`); else why not, in `words`. */
  private async requeue(slot: BenchSlot, list: () => Promise<Drive[]>, words: { gone: string; changed: string }, shown?: CardIdentity): Promise<BenchStatus> {
    const drive = (await list()).find((d) => d.device === slot.device);
    if (!drive) throw new FiotError('TARGET_NOT_FOUND', words.gone);
    const now = this.identify(drive);
    if ((shown && !sameCard(shown, now)) || (slot.identity && !sameCard(slot.identity, now))) throw new FiotError('CARD_CHANGED', words.changed);
    this.slots.queue(drive, slot, this.session!.id);
    await this.poll();
    return this.changed();
  }

  /** Forgets the slot of a card taken out, once the person has read it. */
  dismiss(device: string): BenchStatus {
    if (!this.slots.get(device)?.removedAt) throw new FiotError('NOT_FOUND', `No card taken out of ${device} is on show.`);
    this.slots.forget(device);
    return this.changed();
  }

  /** One look at the readers (note pulled cards, take new ones), then start what can start. */
  poll(): Promise<void> {
    return this.readers.look();
  }

  private async look(): Promise<void> {
    if (!this.session) return;
    try {
      const present = await this.present();
      const byDevice = new Map(present.map((d) => [d.device, d]));
      let changed = false;
      for (const slot of this.slots.all()) {
        if (writing.has(slot.state) || this.jobs.settling(slot) || slot.removedAt) continue;
        const drive = byDevice.get(slot.device);
        // Pulled out, or another card in its reader since the last look: the slot's card is gone.
        if (!drive || (slot.identity && !sameCard(slot.identity, this.identify(drive)))) {
          this.slots.takeOut(slot);
          changed = true;
        }
      }
      if (!this.active) {
        // Switched off: cards taken out are noted; a card put in is no business of the bench's.
        if (changed) this.changed();
        this.stopWatching();
        return;
      }
      // A card in a reader whose slot shows a card taken out: the next card, in place of that note.
      for (const drive of present.filter((d) => !this.slots.get(d.device) || this.slots.get(d.device)!.removedAt)) {
        this.slots.forget(drive.device);
        const identity = this.identify(drive);
        const error = whyLeftAlone(drive, identity, this.session, this.locks, this.beforeStart);
        const slot: BenchSlot = { device: drive.device, description: drive.description, size: drive.size, state: 'refused', bytesWritten: 0, identity };
        if (error) this.slots.set({ ...slot, error });
        else this.slots.queue(drive, slot, this.session.id);
        // A queued card is shown by the dispatch that follows, already saying whether it starts or waits.
        changed = changed || Boolean(error);
      }
      if (changed) this.changed();
    } catch (error) {
      process.emitWarning(`The card bench could not look at the drives: ${toErrorInfo(error).message}`);
    }
  }

  /** Starts one job for the waiting cards a row and a writer are free for; the rest wait, saying for what. */
  private async dispatch(): Promise<void> {
    const session = this.session;
    if (!this.active || !session) return;
    const waiting = this.slots.waiting();
    let rowsFree = Infinity;
    let moved = false;
    if (session.table) {
      try {
        const count = await this.deps.countTable?.(session.request);
        // A card whose job has not ended yet holds its row though its tile says done: its row is marked used only at that end.
        if (count) ({ rowsFree, moved } = takeCount(session, count, this.slots.all().filter((s) => writing.has(s.state) || this.jobs.settling(s)).length));
      } catch (error) {
        this.end(toErrorInfo(error));
        return;
      }
    }
    if (!waiting.length) {
      // A count that moved (a card's row is now used) is news even with no card waiting.
      if (moved) this.changed();
      return;
    }
    const rowsFor = waiting.slice(0, rowsFree);
    for (const slot of waiting.slice(rowsFree)) this.slots.update(slot.device, { waitingFor: 'rows' });
    for (const slot of rowsFor) this.slots.update(slot.device, { waitingFor: 'writer' });
    // Names and rows are taken while a job prepares: the next job starts once the last one has its
    // own, so rows and numbers follow insertion order even when two jobs run.
    const naming = session.request.provisioning !== undefined || session.request.table !== undefined;
    const preparing = naming && this.slots.all().some((s) => s.state === 'pending');
    if (rowsFor.length && !preparing && this.locks.freeJobs() > 0) await this.jobs.start(session, rowsFor.map((s) => s.device));
    this.changed();
  }

  /** Stops taking cards for a reason the operator must read (a state file that could not be saved). */
  private end(reason: Pick<ErrorInfo, 'message'> & { code: string }): void {
    if (this.session) this.session.stopped = reason;
    for (const slot of this.slots.waiting()) {
      this.slots.update(slot.device, { state: 'refused', waitingFor: undefined, error: { code: reason.code, message: `Not written: the card bench stopped. ${reason.message}` } });
    }
    this.halt();
    this.changed();
  }

  private onProgress(progress: FlashProgress): void {
    const { mine, prepared } = applyProgress(this.slots, this.session, progress);
    if (mine) this.changed();
    // The job has its names and rows: the next waiting cards may start.
    if (prepared && this.active) void this.poll();
  }

  private onDone(result: FlashResult): void {
    const awaited = this.jobs.ended(result.jobId);
    const session = this.session && (this.session.jobs.has(result.jobId) || this.slots.all().some((s) => this.slots.ownSlot(result.jobId, s.device))) ? this.session : null;
    if (!applyResult(this.slots, session, result)) {
      // whenIdle waits for a change after each job's end: say it, even with no slot left to update.
      if (awaited) this.changed();
      return;
    }
    const unsaved = result.notSaved ?? (result.error?.code === 'STATE_NOT_SAVED' ? result.error : undefined);
    if (session && unsaved && this.active) this.end(unsaved);
    this.changed();
    // A writer (and maybe a row) is free again: the next waiting cards start, and the table is counted.
    if (this.active) void this.poll();
    else if (session) this.recount(session);
  }

  private recount(session: Running): void {
    const count = this.deps.countTable;
    if (!session.table || !count) return;
    this.counting = this.counting.then(async () => {
      const counted = await count(session.request);
      if (counted) takeCount(session, counted, 0);
      this.changed();
    }).catch(() => undefined);
  }

  private changed(): BenchStatus {
    const status = this.status();
    this.deps.events.emit('bench:changed', status);
    return status;
  }
}
