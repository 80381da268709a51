/**
 * Fedora's CHECKSUM files: an OpenPGP clear-signed text whose body holds BSD-style lines
 * `SHA256 (Fedora-IoT-raw-42-20250414.0.aarch64.raw.xz) = <hex>`. This module only reads the lines;
 * checking the signature is the images domain's job (electron/core/images/verify), which can reuse
 * parseBsdChecksums on the text it has verified.
 */
export interface ChecksumLine {
  /** Upper case as written: SHA256, SHA512... */
  algorithm: string;
  fileName: string;
  /** Lower-case hex digest. */
  digest: string;
}

const line = /^([A-Z0-9-]+) \((.+)\) = ([0-9a-fA-F]+)\s*$/;

/** Every BSD checksum line in a text; signature armor and comments are skipped. */
export function parseBsdChecksums(text: string): ChecksumLine[] {
  const found: ChecksumLine[] = [];
  for (const raw of text.split(/\r?\n/)) {
    // Clear-signed texts dash-escape lines that begin with '-'; checksum lines never do.
    const match = line.exec(raw.trim());
    if (!match) continue;
    const [, algorithm = '', fileName = '', digest = ''] = match;
    found.push({ algorithm, fileName, digest: digest.toLowerCase() });
  }
  return found;
}

/** The sha256 for each file name in a CHECKSUM text. */
export function sha256ByFile(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of parseBsdChecksums(text)) {
    if (entry.algorithm === 'SHA256' && entry.digest.length === 64) map.set(entry.fileName, entry.digest);
  }
  return map;
}

/** Names of CHECKSUM files linked from a mirror's directory listing (an HTML autoindex page). */
export function checksumFilesInListing(html: string): string[] {
  const names = new Set<string>();
  for (const match of html.matchAll(/href="([^"?#]*Fedora-IoT-[^"?#/]*-CHECKSUM)"/g)) {
    const href = match[1] ?? '';
    names.add(href.slice(href.lastIndexOf('/') + 1));
  }
  return [...names].sort();
}
