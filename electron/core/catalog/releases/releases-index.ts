/**
 * Fedora's release index (releases.json, the one Fedora Media Writer reads): a flat array of
 * `{version, arch, link, variant, subvariant, sha256, size, releaseDate?}` where size is a string.
 * Only IoT raw images matter here; everything else (ISOs, other editions) is dropped.
 */
import { FiotError } from '../../../../shared/errors';
import type { CatalogEntry } from '../../../../shared/domain/catalog';
import { baseName, parseIotFileName } from './file-name';
import { rawImageEntry } from './raw-entry';

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function bytes(value: unknown): number | null {
  const digits = text(value)?.trim();
  if (!digits || !/^\d+$/.test(digits)) return null;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : null;
}

function isoDate(value: unknown): string | null {
  const date = text(value);
  return date && /^\d{4}-\d{2}-\d{2}/.test(date) ? date.slice(0, 10) : null;
}

/** The IoT raw images in a releases.json text. Throws NETWORK when the text is not a JSON array. */
export function parseReleasesIndex(body: string, source = 'releases'): CatalogEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new FiotError('NETWORK', 'the release index is not valid JSON');
  }
  if (!Array.isArray(parsed)) throw new FiotError('NETWORK', 'the release index is not a list of releases');
  const entries: CatalogEntry[] = [];
  for (const item of parsed) {
    if (!item || typeof item !== 'object') continue;
    const record = item as Record<string, unknown>;
    const link = text(record.link);
    if (text(record.variant)?.toLowerCase() !== 'iot' || !link?.endsWith('.raw.xz')) continue;
    const name = parseIotFileName(baseName(link));
    if (!name) continue;
    const version = text(record.version) ?? '';
    entries.push(
      rawImageEntry(name, {
        url: link,
        size: bytes(record.size),
        sha256: text(record.sha256) ?? null,
        date: isoDate(record.releaseDate),
        prerelease: /beta|rc|prerelease/i.test(version),
      }, source),
    );
  }
  return entries;
}
