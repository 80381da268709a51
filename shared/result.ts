import type { ErrorInfo } from './errors';

/** What every request returns across a process boundary: a value, or an error as data. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };
