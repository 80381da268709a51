/**
 * Decompress once, also for local files. A compressed local file is known to the cache by the
 * sha256 of its bytes, as a download is: hashing a few hundred MB costs far less than decoding
 * them, and unlike a name, size or mtime it cannot be fooled by an edit. The cache either has the
 * decompressed copy of those bytes (the flash reads it and decodes nothing) or offers to keep the
 * copy this flash makes (copy-offer.ts), which a verified flash turns into an ordinary cache entry
 * (one without a downloaded file: the compressed file stays where its owner keeps it).
 */
import { promises as fs } from 'node:fs';
import { FiotError } from '../../../shared/errors';
import { trustedCopy, type CacheEntry } from '../../../shared/domain/images';
import { inspectSource, type PreparedSource, type SourceResolver } from '../image-source';
import type { ImageCache } from './cache/image-cache';
import { CopyOffer } from './copy-offer';
import { sha256OfImage } from './verify/sha256';

/** The flash source for an entry's decompressed copy (the image service's own). */
export type WarmSource = (entry: CacheEntry) => Promise<PreparedSource>;

export function localCopyResolver(local: SourceResolver, cache: ImageCache, warm: WarmSource): SourceResolver {
  return async (ref, signal, expected) => {
    const prepared = await local(ref, signal, expected);
    if (!prepared) return null;
    const source = await inspectSource(prepared.path);
    // A raw file is its own copy: the writer maps it and reads only its data.
    if (source.format === 'raw') return prepared;
    const identity = await fs.stat(source.path);
    const entries = await cache.list();
    // The same bytes have the same length: with no copy of this file's length in the cache, none can
    // match, and the hash waits until the flash reads back (flash/job.ts), when the cores are idle:
    // hashed here first, it held up a cold flash of a Fedora image by ~0.5 s.
    if (!expected?.sha256 && !entries.some((e) => trustedCopy(e) && e.size === identity.size)) {
      return { ...prepared, cacheCopy: new CopyOffer(cache, { path: source.path, sha256: null, identity }) };
    }
    const sha256 = await sha256OfImage(source.path, signal);
    if (expected?.sha256 && expected.sha256.toLowerCase() !== sha256) {
      throw new FiotError('CHECKSUM_MISMATCH', `${source.path} has sha256 ${sha256}, not the expected ${expected.sha256.toLowerCase()}.`);
    }
    const cached = entries.find((e) => e.sha256 === sha256 && trustedCopy(e));
    if (cached) return { ...(await warm(cached)), verifiedSha256: sha256, origin: source.path };
    return { ...prepared, verifiedSha256: sha256, cacheCopy: new CopyOffer(cache, { path: source.path, sha256, identity }) };
  };
}
