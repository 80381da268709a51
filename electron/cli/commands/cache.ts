/** `fiot-flash cache [ls | rm <ref> | prune] [--json]`: what the image cache holds, and freeing it. */
import { trustedCopy, type CacheEntry } from '../../../shared/domain/images';
import { formatSize } from '../../../shared/format-size';
import { CoreServices } from '../../core/services';
import type { CliIO } from '../io';
import { EXIT_OK, type Command } from '../command';
import { parseCommandArgs, printHelpIfAsked, usageError } from '../parse-args';
import { formatTable } from '../table';

const help = `
Usage: fiot-flash cache [ls | rm <ref> | prune] [--json]

  ls (default)   list cached images: name, size on disk, how each was verified, last use
                 (a compressed local file flashed and verified once leaves its decompressed
                 copy here, marked "local file": its next flash decompresses nothing)
  rm <ref>       remove an image: its sha256 (or first 12+ digits), file name, URL or catalog ref
  prune          remove least recently used images until the cache fits its limit
                 (FIOT_CACHE_LIMIT_GB, default 20 GB), and any leftovers of interrupted downloads
  --all          with prune: empty the cache
  --json         one JSON object: {"type":"result","ok":true,...}
`;

const options = {
  all: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const verifiedWords: Record<CacheEntry['verification']['checksum'], string> = {
  signed: 'signature',
  sha256: 'checksum',
  none: 'NOT VERIFIED',
};

/** The decompressed copy a flash reads, by its data; an older version's copy, made again by the next flash, shows as none. */
function copyWords(entry: CacheEntry): string {
  const copy = trustedCopy(entry);
  return copy ? `${formatSize(copy.dataBytes)} data` : '-';
}

function printEntries(io: CliIO, entries: CacheEntry[]): void {
  io.say(formatTable(
    ['SHA256', 'NAME', 'ON DISK', 'VERIFIED', 'RAW COPY', 'LAST USED'],
    // A local file's copy was checked against nothing but the file's own bytes, which stayed with its owner.
    entries.map((e) => [e.sha256.slice(0, 12), e.name, formatSize(e.diskBytes), e.file === null ? 'local file' : verifiedWords[e.verification.checksum], copyWords(e), e.lastUsedAt.slice(0, 16).replace('T', ' ')]),
  ));
}

export const command: Command = {
  summary: 'List, remove or prune cached images',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, options, true);
    if (printHelpIfAsked(values, help, io)) return EXIT_OK;
    const [action = 'ls', ...rest] = positionals;
    const { cache } = new CoreServices().images;
    switch (action) {
      case 'ls': {
        if (rest.length) throw usageError('cache ls takes no arguments.');
        const summary = await cache.summary();
        const limit = summary.limitBytes ? ` (limit ${formatSize(summary.limitBytes)})` : ' (no limit)';
        if (summary.entries.length === 0) io.say(`The image cache (${summary.dir}) is empty${limit}.`);
        else {
          printEntries(io, summary.entries);
          const count = summary.entries.length === 1 ? '1 image' : `${summary.entries.length} images`;
          io.say(`${count}, ${formatSize(summary.totalBytes)} on disk${limit} in ${summary.dir}`);
        }
        io.result(true, summary);
        return EXIT_OK;
      }
      case 'rm': {
        if (rest.length !== 1) throw usageError('Name one image to remove: fiot-flash cache rm <sha256|name|url|ref>.');
        const removed = await cache.remove(rest[0]!);
        for (const e of removed) io.say(`Removed ${e.name} (${formatSize(e.diskBytes)}).`);
        io.result(true, { removed });
        return EXIT_OK;
      }
      case 'prune': {
        if (rest.length) throw usageError('cache prune takes no arguments (use --all to empty the cache).');
        const { removed, freedBytes } = await cache.prune(values.all ? 0 : cache.limitBytes);
        for (const e of removed) io.say(`Removed ${e.name}.`);
        io.say(`Freed ${formatSize(freedBytes)}.`);
        io.result(true, { removed, freedBytes });
        return EXIT_OK;
      }
      default:
        throw usageError(`Unknown cache action “${action}”: use ls, rm <ref> or prune.`);
    }
  },
};
