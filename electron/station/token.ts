/**
 * The station's secret: whoever holds it can write cards, so it is long, random, and compared in
 * constant time (hashing first makes both sides the same length, which timingSafeEqual needs).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function createToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
