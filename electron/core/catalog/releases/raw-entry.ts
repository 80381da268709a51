/** One catalog entry for a published IoT raw image, whichever source found it. */
import type { CatalogEntry } from '../../../../shared/domain/catalog';
import { isSha256 } from '../../../../shared/sha256';
import type { IotFileName } from './file-name';

export interface RawImageFacts {
  url: string;
  size: number | null;
  sha256: string | null;
  /** Overrides the compose date (releases.json's releaseDate). */
  date?: string | null;
  /** Forces prerelease (releases.json's "43 Beta"). */
  prerelease?: boolean;
}

export function rawImageEntry(name: IotFileName, facts: RawImageFacts, source: string): CatalogEntry {
  const sha256 = facts.sha256 && isSha256(facts.sha256) ? facts.sha256.toLowerCase() : null;
  return {
    id: `raw:${name.fileName}`,
    kind: 'raw-image',
    variant: 'fedora-iot',
    version: name.version,
    architectures: [name.arch],
    date: facts.date ?? name.date,
    size: facts.size,
    // Learned later from the xz index on the server or the image cache (catalog/image-sizes.ts).
    imageSize: null,
    url: facts.url,
    sha256,
    digest: null,
    stable: !name.nightly && /^\d+$/.test(name.version) && !facts.prerelease,
    source,
    labels: {},
  };
}
