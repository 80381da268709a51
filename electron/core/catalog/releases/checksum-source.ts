/**
 * The second source of raw images: the CHECKSUM files next to the images on Fedora's mirror, for
 * when the release index lags behind (its IoT entries have gone stale before). For each release the
 * app knows of, it reads the images folder's listing, then the CHECKSUM file(s) linked there.
 * The sizes stay unknown (CHECKSUM files do not carry them); the sha256 values are what matter.
 */
import { FiotError } from '../../../../shared/errors';
import type { Arch } from '../../../../shared/domain/board';
import type { CatalogEntry } from '../../../../shared/domain/catalog';
import type { CatalogSource, SourceContext } from '../source';
import { fetchText, type Validators } from '../http';
import { checksumFilesInListing, sha256ByFile } from './checksum-file';
import { parseIotFileName } from './file-name';
import { rawImageEntry } from './raw-entry';

const arches: Arch[] = ['aarch64', 'x86_64'];

/** Release numbers to look for: those already known, and the one after the newest (a new release). */
export function releasesToProbe(known: CatalogEntry[]): string[] {
  const numbers = known.filter((e) => /^\d+$/.test(e.version)).map((e) => Number(e.version));
  if (numbers.length === 0) return [];
  const newest = Math.max(...numbers);
  return [...new Set([...numbers, newest + 1])].sort((a, b) => b - a).slice(0, 4).map(String);
}

async function imagesInFolder(folder: string, ctx: SourceContext, validators: Record<string, Validators>): Promise<CatalogEntry[]> {
  const listing = await fetchText(folder, { timeoutMs: ctx.timeoutMs, fetchImpl: ctx.fetchImpl });
  if (listing.notModified) return [];
  const entries: CatalogEntry[] = [];
  for (const checksumName of checksumFilesInListing(listing.text)) {
    const url = new URL(checksumName, folder).href;
    const answer = await fetchText(url, { timeoutMs: ctx.timeoutMs, validators: ctx.previous?.validators[url], fetchImpl: ctx.fetchImpl });
    if (answer.notModified) {
      validators[url] = ctx.previous?.validators[url] ?? {};
      entries.push(...(ctx.previous?.entries.filter((e) => e.url?.startsWith(folder)) ?? []));
      continue;
    }
    validators[url] = answer.validators;
    for (const [fileName, sha256] of sha256ByFile(answer.text)) {
      const name = parseIotFileName(fileName);
      if (name) entries.push(rawImageEntry(name, { url: new URL(fileName, folder).href, size: null, sha256 }, 'checksums'));
    }
  }
  return entries;
}

/** `baseUrl` is the folder holding one folder per release, e.g. https://dl.fedoraproject.org/pub/alt/iot/. */
export function checksumSource(baseUrl: string): CatalogSource {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return {
    id: 'checksums',
    address: base,
    owns: () => false,
    async run(ctx) {
      const folders = releasesToProbe(ctx.known).flatMap((version) => arches.map((arch) => `${base}${version}/IoT/${arch}/images/`));
      if (folders.length === 0) return { entries: [], validators: {}, unchanged: false };
      const validators: Record<string, Validators> = {};
      const results = await Promise.allSettled(folders.map((folder) => imagesInFolder(folder, ctx, validators)));
      const entries = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
      const answered = results.filter((r) => r.status === 'fulfilled').length;
      if (answered === 0) {
        const first = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        throw first?.reason instanceof Error ? first.reason : new FiotError('NETWORK', 'no mirror folder answered');
      }
      return { entries, validators, unchanged: false };
    },
  };
}
