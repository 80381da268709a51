/**
 * The writer's check of a cached copy: the bytes it just wrote must hash to the digest recorded
 * when the copy was made from a verified download. Called after the body is written and before the
 * held-back partition table, so a damaged or altered copy leaves a card with no partition table.
 */
import { FiotError } from '../../shared/errors';
import type { StreamOutcome } from './write-stream';

export function checkWrittenDigest(expected: string | undefined, outcome: StreamOutcome, source: string): void {
  if (expected === undefined || outcome.writtenSha256 === expected) return;
  throw new FiotError(
    'CACHE_CORRUPT',
    `The cached copy ${source} changed since it was made from the verified download: its bytes hash to ${outcome.writtenSha256}, not ${expected}. The partition table was not written.`,
  );
}
