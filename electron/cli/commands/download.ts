/** `fiot-flash download <url|ref> [--sha256 HEX] [--json]`: fetch an image into the cache, verified. */
import { formatSize } from '../../../shared/format-size';
import { isSha256 } from '../../../shared/sha256';
import { CoreServices } from '../../core/services';
import { createImageProgress, insecureSkipSignatureHelp, verificationLine } from '../image-progress';
import { EXIT_OK, type Command } from '../command';
import { parseCommandArgs, printHelpIfAsked, usageError } from '../parse-args';

const help = `
Usage: fiot-flash download <source> [--sha256 HEX] [--raw] [--insecure-skip-signature] [--json]

Downloads an image into the image cache and verifies it. An interrupted download resumes where
it stopped (also after Ctrl-C); an image already cached is not downloaded again.

  <source>       an http(s):// URL or a catalog reference such as fedora-iot:42@rpi4
  --sha256 HEX   the expected sha256 of the file; a mismatch stops and nothing is cached
  --raw          accepted for older scripts, and does nothing more: the image's first verified
                 flash keeps its decompressed copy in the cache, and later flashes read that
  --json         one JSON object per line: progress, then {"type":"result","ok":...,"entry":{...}}
${insecureSkipSignatureHelp}`;

const options = {
  sha256: { type: 'string' },
  raw: { type: 'boolean' },
  'insecure-skip-signature': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const command: Command = {
  summary: 'Download an image into the cache, verified',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, options, true);
    if (printHelpIfAsked(values, help, io)) return EXIT_OK;
    if (positionals.length !== 1) throw usageError('Name one image to download: fiot-flash download <url|catalog-ref>.');
    if (values.sha256 !== undefined && !isSha256(values.sha256)) throw usageError('--sha256 takes the 64 hexadecimal digits of a sha256 checksum.');
    const service = new CoreServices().images;
    const controller = new AbortController();
    const cancel = () => controller.abort();
    process.once('SIGINT', cancel);
    const view = createImageProgress(io);
    try {
      const options = { sha256: values.sha256, insecureSkipSignature: values['insecure-skip-signature'], signal: controller.signal, onProgress: view.update };
      const source = positionals[0]!;
      const entry = await service.fetch(source, options);
      view.finish();
      if (values.raw) io.warn('Note: --raw is no longer needed: the first verified flash of the image keeps its decompressed copy in the cache.');
      io.say(`${entry.name} (${formatSize(entry.size)}) is in the cache: ${service.cache.abs(entry.file)}`);
      io.say(verificationLine(entry));
      for (const note of entry.verification.notes) io.warn(`Note: ${note}`);
      io.result(true, { entry, path: service.cache.abs(entry.file) });
      return EXIT_OK;
    } finally {
      view.finish();
      process.removeListener('SIGINT', cancel);
    }
  },
};
