/**
 * Finding the CHECKSUM file Fedora publishes next to an image. Its lines are read by the catalog's
 * parser (catalog/releases/checksum-file.ts) from the signed text only, once the signature holds.
 */
import { baseName, parseIotFileName } from '../../catalog/releases/file-name';

/**
 * The CHECKSUM file Fedora publishes in the same folder as a raw image:
 * `Fedora-IoT-raw-42-20250414.0.aarch64.raw.xz` (and the older form without `raw-`)
 * → `Fedora-IoT-42-aarch64-20250414.0-CHECKSUM`. Null for any other file name.
 */
export function checksumUrlFor(imageUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(imageUrl);
  } catch {
    return null;
  }
  const parsed = parseIotFileName(baseName(url.pathname));
  if (!parsed) return null;
  // Fedora spells the version as in the image name (e.g. "Rawhide"); take it from there.
  const version = /^Fedora-IoT-(?:raw-)?([A-Za-z0-9_]+)-/.exec(parsed.fileName)![1];
  return new URL(`Fedora-IoT-${version}-${parsed.arch}-${parsed.compose}-CHECKSUM`, url).toString();
}

/** The file name at the end of a URL, for the cache and for messages. */
export function fileNameOf(url: string): string {
  return baseName(url) || 'image';
}
