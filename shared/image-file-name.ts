/**
 * Names of disk image files: what a station lists from its folders, and what an image uploaded to
 * it may be called. One rule for both, so an uploaded file is always one the station then offers.
 * The browser checks a name before sending a byte; the station checks it again, as it must.
 */

/** A raw image (.raw .img .iso .bin), plain or compressed (.xz .gz .bz2 .zst), or a .zip. */
export const imageFileNamePattern = /\.(raw|img|iso|bin)(\.(xz|gz|bz2|zst))?$|\.zip$/i;

/** Room for the station's `.<name>.<random>.part` file within the 255 bytes a file name may have. */
export const MAX_UPLOAD_NAME_BYTES = 200;

/** C0 and C1 control characters (and DEL): never part of a file name a person would choose. */
function hasControlCharacter(name: string): boolean {
  return [...name].some((character) => {
    const code = character.codePointAt(0)!;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
}

/** Why `name` cannot be the file name of an uploaded image, in words; null when it can. */
export function uploadNameProblem(name: string): string | null {
  if (name.trim() === '') return 'The file has no name.';
  if (name.includes('/') || name.includes('\\')) return `“${name}” is a path: upload a file under its own name, without folders.`;
  if (name.includes('..')) return `“${name}” contains “..”: rename the file without it.`;
  if (hasControlCharacter(name)) return 'The file name contains control characters: rename the file.';
  if (name.startsWith('.')) return `“${name}” would be a hidden file: rename it so it does not start with a dot.`;
  if (new TextEncoder().encode(name).length > MAX_UPLOAD_NAME_BYTES) return `The file name is too long (over ${MAX_UPLOAD_NAME_BYTES} bytes): rename it shorter.`;
  if (!imageFileNamePattern.test(name)) {
    return `“${name}” is not named like a disk image: .raw, .img or .iso, plain or compressed (.raw.xz, .img.gz, .raw.zst, …), or .zip.`;
  }
  return null;
}
