/**
 * The card bench's slots, one per reader: the card in it and how it is going, with the queue
 * order of the cards waiting and each session card's claim (so a job started by hand refuses it).
 * A claim lives exactly as long as its card is the session's: taken when it queues, let go when
 * it is taken out, forgotten or the session ends.
 */
import type { BenchSlot } from '../../../shared/api/bench';
import type { Drive } from '../../../shared/domain/drive';
import type { FlashLocks } from '../flash/flash-locks';

export class BenchSlots {
  private readonly slots = new Map<string, BenchSlot>();
  /** Insertion order of the cards waiting, and each session card's claim, by device. */
  private readonly order = new Map<string, number>();
  private readonly claims = new Map<string, () => void>();
  private inserted = 0;

  constructor(private readonly locks: FlashLocks) {}

  get(device: string): BenchSlot | undefined {
    return this.slots.get(device);
  }

  all(): BenchSlot[] {
    return [...this.slots.values()];
  }

  /** In device order, as the status shows them: sda before sdb, sdb before sdaa. */
  inDeviceOrder(): BenchSlot[] {
    return this.all().sort((a, b) => a.device.localeCompare(b.device, undefined, { numeric: true }));
  }

  /** The cards waiting, in the order they were inserted. */
  waiting(): BenchSlot[] {
    return this.all().filter((s) => s.state === 'waiting').sort((a, b) => this.order.get(a.device)! - this.order.get(b.device)!);
  }

  set(slot: BenchSlot): void {
    this.slots.set(slot.device, slot);
  }

  /** Changes a slot's fields; a field given as undefined is removed. */
  update(device: string, changes: Partial<BenchSlot>): void {
    const slot = this.slots.get(device);
    if (!slot) return;
    const next: BenchSlot = { ...slot, ...changes };
    for (const key of Object.keys(changes) as Array<keyof BenchSlot>) if (changes[key] === undefined) delete next[key];
    this.slots.set(device, next);
  }

  /** The card joins the end of the queue, claimed for the session, with nothing left of an earlier write. */
  queue(drive: Drive, slot: BenchSlot, sessionId: string): void {
    const { error: _error, hostname: _hostname, tableRow: _tableRow, tableLine: _tableLine, jobId: _jobId, oldData: _oldData, figure: _figure, ...card } = slot;
    this.slots.set(drive.device, { ...card, state: 'waiting', waitingFor: 'writer', bytesWritten: 0 });
    this.order.set(drive.device, this.inserted++);
    if (!this.claims.has(drive.device)) this.claims.set(drive.device, this.locks.claim(drive, sessionId));
  }

  /** The card left its reader: no longer the session's; a card that was waiting goes out not written. */
  takeOut(slot: BenchSlot): void {
    this.release(slot.device);
    this.update(slot.device, { removedAt: new Date().toISOString(), ...(slot.state === 'waiting' ? { state: 'refused', waitingFor: undefined } : {}) });
  }

  forget(device: string): boolean {
    this.release(device);
    return this.slots.delete(device);
  }

  /** The session ends: no card is its own any more (cards being written go on under their jobs' locks). */
  releaseClaims(): void {
    for (const release of this.claims.values()) release();
    this.claims.clear();
  }

  /** Progress may beat flash:start's answer: a slot is matched by its pending device then. */
  ownSlot(jobId: string, device: string): BenchSlot | undefined {
    const slot = this.slots.get(device);
    return slot && (slot.jobId === jobId || (slot.jobId === undefined && slot.state === 'pending')) ? slot : undefined;
  }

  private release(device: string): void {
    this.claims.get(device)?.();
    this.claims.delete(device);
    this.order.delete(device);
  }
}
