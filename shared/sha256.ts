/** A sha256 checksum as people, catalogs and Fedora's CHECKSUM files write it: 64 hexadecimal digits. */
export const SHA256_HEX = /^[0-9a-f]{64}$/i;

export function isSha256(value: string): boolean {
  return SHA256_HEX.test(value);
}
