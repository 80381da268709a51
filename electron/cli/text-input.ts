/**
 * Text a person hands the CLI, taken only as UTF-8: a file is decoded strictly, and a flag's
 * value (which Node decodes from argv, turning each byte that is not UTF-8 into U+FFFD) is
 * refused when it holds U+FFFD. Bytes that were not UTF-8 never reach a card as U+FFFD.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeUtf8Strict, notUtf8Problem } from '../../shared/provisioning';
import { usageError } from './parse-args';

/** The text of `file` (relative to `cwd`); a USAGE error naming `flag` when it is missing or not UTF-8. */
export function readUtf8File(file: string, flag: string, cwd: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path.resolve(cwd, file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw usageError(`${flag} ${file}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})`}.`);
  }
  const text = decodeUtf8Strict(bytes);
  if (text === null) throw usageError(`${flag} ${file}: is not UTF-8 text; save it as UTF-8 and try again.`);
  return text;
}

/** Refuses a flag value that held bytes that were not UTF-8 (e.g. --wifi-ssid $'\xff\xfe'). */
export function checkUtf8Flags(values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      const reason = typeof item === 'string' ? notUtf8Problem(item) : null;
      if (reason) throw usageError(`--${name}: ${reason}.`);
    }
  }
}
