/** Both transports carry envelopes; the renderer turns them back into values or FiotErrors. */
import { FiotError, isErrorCode } from '../../../shared/errors';
import type { Envelope } from '../../../shared/result';

export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  const { code, message, hint } = envelope.error;
  throw new FiotError(isErrorCode(code) ? code : 'INTERNAL', message, hint);
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unauthorized';
