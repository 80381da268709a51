/**
 * The card bench's rules for a card, apart from any session's bookkeeping: which slot states mean
 * what, and why a card inserted is left alone rather than written with no click.
 */
import path from 'node:path';
import type { BenchSlot } from '../../../shared/api/bench';
import { checkTarget } from '../../../shared/drive-constraints';
import type { CardIdentity, Drive } from '../../../shared/domain/drive';
import type { ErrorInfo } from '../../../shared/errors';

/** A card whose write ended, one way or another. */
export const finished: ReadonlySet<BenchSlot['state']> = new Set(['done', 'failed', 'cancelled', 'refused']);
/** A card its job holds: starting, being written, read back or set up. */
export const writing: ReadonlySet<BenchSlot['state']> = new Set(['pending', 'writing', 'verifying', 'provisioning']);

/** Failures that mean "not now", not "this card is bad": the cards wait again. */
export const notNow: ReadonlySet<string> = new Set(['TOO_MANY_JOBS', 'TABLE_EXHAUSTED']);

/** Why a listed card is not written unattended; null when it may be. */
export function refusal(drive: Drive, source: string): ErrorInfo | null {
  const check = checkTarget(drive, { size: null, ...(path.isAbsolute(source) ? { path: source } : {}) });
  const issue = check.errors[0] ?? check.warnings[0];
  // A warning asks a person to look: with no one clicking, the card is left alone.
  return issue ? { code: issue.code, message: issue.message } : null;
}

/** A card told apart from any other: without a serial, two cards of one model and size look the same. */
export function recognisable(identity: CardIdentity | undefined): identity is CardIdentity {
  return Boolean(identity?.serial);
}

/** Why a card that was in its reader before the session started is left alone. */
export const presentAtStart: ErrorInfo = { code: 'PRESENT_AT_START', message: 'In this reader before the card bench was switched on: not written.' };

/** Why a card that waited its turn went unwritten: the bench was switched off first. */
export const benchOff: ErrorInfo = { code: 'BENCH_OFF', message: 'Not written: the card bench was switched off while it waited.' };

/** Why a card put back in is left alone: the session already wrote it, as `name`. */
export function alreadyWritten(name: string): ErrorInfo {
  return { code: 'ALREADY_WRITTEN', message: `Already written by the card bench as ${name}: take it out, or switch the bench off and on again to rewrite it.` };
}

/** Why a card a job started by hand holds is left alone. */
export function heldByHand(drive: Drive): ErrorInfo {
  return { code: 'TARGET_BUSY', message: `${drive.device} is being written by a job started by hand: the card bench leaves it alone.` };
}
