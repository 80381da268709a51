/**
 * Text that was not UTF-8 before it reached us: a decoder that is not strict (Node's argv, a
 * browser's TextDecoder) turns each bad byte into U+FFFD, and JSON may carry a lone surrogate
 * that no encoder can write. Either would put something on the card other than what was meant.
 */
const REPLACEMENT = '\uFFFD';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `value` is not text as typed, or null. */
export function notUtf8Problem(value: string): string | null {
  if (value.includes(REPLACEMENT)) return 'is not valid UTF-8 text (it holds U+FFFD, where bytes that were not UTF-8 stood); type it again or save the file as UTF-8';
  if (LONE_SURROGATE.test(value)) return 'is not valid UTF-8 text (it holds a lone UTF-16 surrogate)';
  return null;
}

/** Bytes as UTF-8 text, or null when they are not UTF-8. */
export function decodeUtf8Strict(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
