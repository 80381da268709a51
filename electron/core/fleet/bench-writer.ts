/**
 * Station mode for a bench of card readers: while on, each removable card that appears and passes
 * the drive rules is written with the next values of the series or table, with no click. A card
 * stays in its slot (and is not written again) until it is pulled out; put back in, it is a new
 * card. Cards seen in the same look are written by one job (one decode for all of them).
 *
 * It lives in the core, not in a page: a bench runs for hours, the page that switched it on may be
 * closed or reloaded, and a headless station or the CLI can drive the same service.
 */
import path from 'node:path';
import type { BenchRequest, BenchSlot, BenchStatus } from '../../../shared/api/bench';
import { checkTarget } from '../../../shared/drive-constraints';
import type { Drive } from '../../../shared/domain/drive';
import type { FlashProgress, FlashRequest, FlashResult } from '../../../shared/domain/flash';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import type { EventBus } from '../router';

export interface BenchDeps {
  events: EventBus;
  /** Drives present now, system drives left out. */
  list(): Promise<Drive[]>;
  /** flash:start: answers with the job's id; progress and the result arrive on `events`. */
  startFlash(request: FlashRequest): Promise<{ jobId: string }>;
  intervalMs?: number;
}

/** Why a listed card is not written unattended; null when it may be. */
function refusal(drive: Drive, source: string): ErrorInfo | null {
  const check = checkTarget(drive, { size: null, ...(path.isAbsolute(source) ? { path: source } : {}) });
  const issue = check.errors[0] ?? check.warnings[0];
  // A warning asks a person to look: with no one clicking, the card is left alone.
  return issue ? { code: issue.code, message: issue.message } : null;
}

const finished = new Set<BenchSlot['state']>(['done', 'failed', 'cancelled', 'refused']);

export class BenchWriter {
  private request: BenchRequest | null = null;
  private readonly slots = new Map<string, BenchSlot>();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(private readonly deps: BenchDeps) {
    deps.events.subscribe((event, payload) => {
      if (event === 'flash:progress') this.onProgress(payload);
      else if (event === 'flash:done') this.onDone(payload);
    });
  }

  status(): BenchStatus {
    const slots = [...this.slots.values()].sort((a, b) => a.device.localeCompare(b.device, undefined, { numeric: true }));
    return { active: this.request !== null, ...(this.request ? { source: this.request.source } : {}), slots };
  }

  /** Cards already in the readers are written too: inserting them is why station mode was switched on. */
  async start(request: BenchRequest): Promise<BenchStatus> {
    this.request = request;
    for (const [device, slot] of this.slots) if (finished.has(slot.state)) this.slots.delete(device);
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), this.deps.intervalMs ?? 1000);
      this.timer.unref();
    }
    await this.poll();
    return this.changed();
  }

  stop(): BenchStatus {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.request = null;
    for (const [device, slot] of this.slots) if (finished.has(slot.state)) this.slots.delete(device);
    return this.changed();
  }

  /** One look at the readers: forget pulled cards, write new ones. */
  async poll(): Promise<void> {
    if (this.polling || !this.request) return;
    this.polling = true;
    try {
      const present = (await this.deps.list()).filter((d) => d.isRemovable && !d.isSystem);
      const devices = new Set(present.map((d) => d.device));
      let changed = false;
      for (const [device, slot] of this.slots) {
        if (!devices.has(device) && finished.has(slot.state)) changed = this.slots.delete(device) || changed;
      }
      const fresh = present.filter((d) => !this.slots.has(d.device));
      const writable: Drive[] = [];
      for (const drive of fresh) {
        const error = refusal(drive, this.request.source);
        this.slots.set(drive.device, { device: drive.device, description: drive.description, size: drive.size, state: error ? 'refused' : 'pending', bytesWritten: 0, phaseBytes: 0, totalBytes: null, ...(error ? { error } : {}) });
        if (!error) writable.push(drive);
      }
      if (fresh.length || changed) this.changed();
      if (writable.length) await this.write(this.request, writable);
    } catch (error) {
      process.emitWarning(`Station mode could not look at the drives: ${toErrorInfo(error).message}`);
    } finally {
      this.polling = false;
    }
  }

  private async write(request: BenchRequest, drives: Drive[]): Promise<void> {
    const targets = drives.map((d) => d.device);
    try {
      const { jobId } = await this.deps.startFlash({ ...request, targets });
      for (const device of targets) this.update(device, { jobId });
    } catch (error) {
      const { code, message, hint } = toErrorInfo(error);
      for (const device of targets) this.update(device, { state: 'failed', error: { code, message, ...(hint ? { hint } : {}) } });
    }
    this.changed();
  }

  private update(device: string, changes: Partial<BenchSlot>): void {
    const slot = this.slots.get(device);
    if (slot) this.slots.set(device, { ...slot, ...changes });
  }

  /** Progress may beat flash:start's answer: a slot is matched by its pending device then. */
  private ownSlot(jobId: string, device: string): BenchSlot | undefined {
    const slot = this.slots.get(device);
    return slot && (slot.jobId === jobId || (slot.jobId === undefined && slot.state === 'pending')) ? slot : undefined;
  }

  private onProgress(progress: FlashProgress): void {
    let mine = false;
    for (const target of progress.targets) {
      if (!this.ownSlot(progress.jobId, target.device)) continue;
      mine = true;
      // A card that failed keeps the position it reached; the others move with the job.
      const moving = target.state === 'writing' || target.state === 'verifying' || target.state === 'provisioning';
      this.update(target.device, {
        jobId: progress.jobId, state: target.state, bytesWritten: target.bytesWritten, ...(moving ? { phaseBytes: progress.bytes, totalBytes: progress.totalBytes } : {}),
        ...(target.hostname ? { hostname: target.hostname } : {}), ...(target.tableLine ? { tableLine: target.tableLine } : {}), ...(target.error ? { error: target.error } : {}),
      });
    }
    if (mine) this.changed();
  }

  private onDone(result: FlashResult): void {
    let mine = false;
    for (const target of result.targets) {
      if (!this.ownSlot(result.jobId, target.device)) continue;
      mine = true;
      const error = target.error ?? (target.state === 'done' ? undefined : result.error);
      this.update(target.device, {
        jobId: result.jobId, state: target.state, bytesWritten: target.bytesWritten,
        ...(target.hostname ? { hostname: target.hostname } : {}), ...(target.tableLine ? { tableLine: target.tableLine } : {}), ...(error ? { error } : {}),
      });
    }
    // A job that stopped before its targets were resolved names none: its slots take the job's error.
    for (const slot of this.slots.values()) {
      if (slot.jobId !== result.jobId || finished.has(slot.state)) continue;
      mine = true;
      this.update(slot.device, { state: 'failed', error: result.error ?? { code: 'INTERNAL', message: 'The write stopped without saying why.' } });
    }
    if (mine) this.changed();
  }

  private changed(): BenchStatus {
    const status = this.status();
    this.deps.events.emit('bench:changed', status);
    return status;
  }
}
