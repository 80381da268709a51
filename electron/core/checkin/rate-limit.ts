/**
 * A fixed-window request counter per client address, plus one for everyone: a device reports
 * once, so a handful of requests a minute is plenty, and a flood is answered 429 without work.
 */
export interface RateLimits {
  /** Requests one address may make per window. */
  perAddress: number;
  /** Requests all addresses together may make per window. */
  total: number;
  windowMs: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perAddress: 10, total: 200, windowMs: 60_000 };

export class RateLimiter {
  private windowStart = 0;
  private total = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(private readonly limits: RateLimits = DEFAULT_RATE_LIMITS, private readonly now: () => number = Date.now) {}

  /** Counts one request from `address`; false when it is over a limit. */
  allow(address: string): boolean {
    const now = this.now();
    if (now - this.windowStart >= this.limits.windowMs) {
      this.windowStart = now;
      this.total = 0;
      this.byAddress.clear();
    }
    const mine = (this.byAddress.get(address) ?? 0) + 1;
    this.byAddress.set(address, mine);
    this.total += 1;
    return mine <= this.limits.perAddress && this.total <= this.limits.total;
  }

  /** Seconds until the current window ends, for Retry-After. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.windowStart + this.limits.windowMs - this.now()) / 1000));
  }
}
