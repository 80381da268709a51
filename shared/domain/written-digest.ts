/**
 * What the digest each written card reports (`writtenSha256` in results, History and its CSV) is,
 * in the words every screen uses. It is the writer's sha256 over the image's bytes it wrote: the
 * parts of the image that hold data, in order (empty space is skipped, not written), before any
 * first-boot settings go on. So it is the same for every card of one image, and matches neither
 * the image file's sha256 nor a hash of the whole card: a person who expected either, and found
 * that "the written bytes" matched nothing, was misled by the old name.
 */

/** Its name beside the value, in the app (result, History). */
export const WRITTEN_DIGEST_NAME = 'SHA-256 of the image data written';

/** Its name on a card's line in the terminal. */
export const WRITTEN_DIGEST_CLI_NAME = 'image data sha256';

/** One sentence saying what it covers, after its name; `medium` is what is written ("card", "USB stick"). */
export function writtenDigestMeaning(name: string, medium = 'card'): string {
  return `The ${name} covers the image’s bytes as written to each ${medium} (the parts that hold data, in order, not its empty space): it is the same for every ${medium} written from this image, first-boot settings are not in it, and it is not meant to match the image file’s SHA-256 or a hash of the whole ${medium}.`;
}
