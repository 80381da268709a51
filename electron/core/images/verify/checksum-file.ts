/**
 * Fedora's CHECKSUM files: BSD-style lines `SHA256 (file) = hex`, usually inside an OpenPGP
 * clear-signed message (verify the signature first, then parse the signed text only: lines outside
 * the signed part must never be trusted). Also finds the CHECKSUM file published next to an image.
 */

/** File name → lower-case sha256, from every `SHA256 (name) = hex` line. */
export function parseChecksumLines(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^SHA256 \((.+)\) = ([0-9a-fA-F]{64})\s*$/.exec(line.trim());
    if (match) sums.set(match[1]!, match[2]!.toLowerCase());
  }
  return sums;
}

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
  const name = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  const match = /^Fedora-IoT-(?:raw-)?(\w+)-(\d{8}\.\d+)\.(\w+)\.raw\.xz$/.exec(name);
  if (!match) return null;
  const [, version, compose, arch] = match;
  return new URL(`Fedora-IoT-${version}-${arch}-${compose}-CHECKSUM`, url).toString();
}

export function fileNameOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() || 'image');
  } catch {
    return url.split('/').pop() || 'image';
  }
}
