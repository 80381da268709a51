/**
 * A bench session as the core holds it, and its count: what it was switched on with, the cards it
 * wrote (so one put back in is known), and each card counted once, written or failed, in the same
 * status that shows it finished.
 */
import { randomUUID } from 'node:crypto';
import type { BenchRequest, BenchSession, BenchSlot } from '../../../shared/api/bench';
import { sameCard, type CardIdentity } from '../../../shared/domain/drive';
import type { ErrorInfo } from '../../../shared/errors';
import { alreadyWritten, finished, recognisable } from './bench-rules';
import type { TableCount } from './bench-table';

export interface Running extends BenchSession {
  request: BenchRequest;
  jobs: Set<string>;
  /** The cards this session wrote, and what each was written as (its hostname, or its number). */
  writtenCards: Array<{ identity: CardIdentity; name: string }>;
  /** The cards already counted as written or failed, by job and device: a card's progress and its job's end both report it. */
  counted: Set<string>;
}

export function openSession(request: BenchRequest, table: TableCount | null | undefined): Running {
  const hostname = (request.provisioning as { hostname?: unknown } | undefined)?.hostname;
  return {
    id: randomUUID(), startedAt: new Date().toISOString(), source: request.source, written: 0, failed: 0, request, jobs: new Set(), writtenCards: [], counted: new Set(),
    firstBoot: request.provisioning !== undefined || request.table !== undefined,
    ...(typeof hostname === 'string' && hostname ? { hostname } : {}),
    ...(table ? { table: { ...(request.table?.name ? { name: request.table.name } : {}), rows: table.rows, used: table.rows - table.left } } : {}),
  };
}

/** The session as the status shows it: none of the core's own bookkeeping. */
export function sessionView(session: Running): BenchSession {
  const { request: _request, jobs: _jobs, writtenCards: _writtenCards, counted: _counted, ...view } = session;
  return { ...view, ...(session.table ? { table: { ...session.table } } : {}) };
}

/** ALREADY_WRITTEN when this session wrote the card before (it was pulled out and put back); else null. */
export function writtenAs(session: Running | null, identity: CardIdentity): ErrorInfo | null {
  if (!recognisable(identity)) return null;
  const written = session?.writtenCards.find((card) => sameCard(card.identity, identity));
  return written ? alreadyWritten(written.name) : null;
}

/**
 * Counts a card once, as soon as its slot shows it finished (its job's last progress may come
 * well before the job's end: the history and the on-card command run in between): written, its
 * row used, or failed. So the count never lags the tiles.
 */
export function tally(session: Running, jobId: string, slot: BenchSlot | undefined): void {
  if (!slot) return;
  const key = `${jobId} ${slot.device}`;
  if (!finished.has(slot.state) || session.counted.has(key)) return;
  session.counted.add(key);
  if (slot.state !== 'done') {
    session.failed += 1;
    return;
  }
  if (recognisable(slot.identity)) session.writtenCards.push({ identity: slot.identity, name: slot.hostname ?? `card ${slot.card ?? session.written + 1}` });
  session.written += 1;
  if (session.table && slot.tableLine) session.table = { ...session.table, used: Math.min(session.table.rows, session.table.used + 1) };
}

/**
 * A fresh count of the session's table: its used rows (never below what the session counted itself:
 * a card's row may be counted before its state file says so), whether that moved, and the rows free
 * for waiting cards, less those `inFlight` hold.
 */
export function takeCount(session: Running, count: TableCount, inFlight: number): { rowsFree: number; moved: boolean } {
  if (!session.table) return { rowsFree: Infinity, moved: false };
  const used = Math.max(session.table.used, count.rows - count.left);
  const moved = used !== session.table.used;
  session.table = { ...session.table, used };
  return { rowsFree: Math.max(0, count.left - inFlight), moved };
}
