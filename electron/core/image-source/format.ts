/**
 * What kind of file a source is, decided by its first bytes. The name only breaks ties for raw
 * images, which have no magic of their own: a file named .xz that does not start like xz is
 * damaged, not raw.
 */
import { FiotError } from '../../../shared/errors';

export type SourceFormat = 'raw' | 'xz' | 'gzip' | 'bzip2' | 'zstd' | 'zip';

/** Bytes of the file's head that detectFormat needs (covers an ISO 9660 volume descriptor). */
export const FORMAT_PROBE_BYTES = 34 * 1024;

const magics: Array<{ format: Exclude<SourceFormat, 'raw'>; bytes: number[]; extra?: (head: Buffer) => boolean }> = [
  { format: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { format: 'gzip', bytes: [0x1f, 0x8b, 0x08] },
  // "BZh" then the block size digit 1-9.
  { format: 'bzip2', bytes: [0x42, 0x5a, 0x68], extra: (head) => (head[3] ?? 0) >= 0x31 && (head[3] ?? 0) <= 0x39 },
  { format: 'zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { format: 'zip', bytes: [0x50, 0x4b, 0x03, 0x04] },
];

const compressedExtensions: Record<string, Exclude<SourceFormat, 'raw'>> = {
  '.xz': 'xz',
  '.gz': 'gzip',
  '.bz2': 'bzip2',
  '.zst': 'zstd',
  '.zip': 'zip',
};
const rawExtensions = ['.raw', '.img', '.iso', '.bin'];

function startsWith(head: Buffer, bytes: number[]): boolean {
  return head.length >= bytes.length && bytes.every((b, i) => head[i] === b);
}

/** A disk image's own marks: an MBR/protective-MBR signature, a GPT header, an ISO 9660 volume. */
export function looksLikeDiskImage(head: Buffer): boolean {
  if (head.length >= 512 && head[510] === 0x55 && head[511] === 0xaa) return true;
  if (head.length >= 520 && head.toString('latin1', 512, 520) === 'EFI PART') return true;
  return head.length >= 32774 && head.toString('latin1', 32769, 32774) === 'CD001';
}

function extensionOf(name: string): string {
  const match = /(\.[a-z0-9]+)$/i.exec(name);
  return match?.[1]?.toLowerCase() ?? '';
}

/**
 * The format of a source from its head (FORMAT_PROBE_BYTES or fewer when the file is shorter).
 * Throws SOURCE_CORRUPT when the name promises a compressed file that is not one, and
 * SOURCE_UNKNOWN_FORMAT when nothing marks it as a disk image.
 */
export function detectFormat(head: Buffer, name: string): SourceFormat {
  for (const magic of magics) {
    if (startsWith(head, magic.bytes) && (!magic.extra || magic.extra(head))) return magic.format;
  }
  const extension = extensionOf(name);
  const promised = compressedExtensions[extension];
  if (promised) {
    throw new FiotError('SOURCE_CORRUPT', `${name} is named like a ${promised} file but does not start like one.`);
  }
  if (rawExtensions.includes(extension) || looksLikeDiskImage(head)) return 'raw';
  throw new FiotError('SOURCE_UNKNOWN_FORMAT', `${name} is not a disk image: no partition table and no known compression.`);
}
