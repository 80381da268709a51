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
  --raw          also decompress it once now, so later flashes start at once
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
      const entry = values.raw ? (await service.prepareSource(source, options)).entry : await service.fetch(source, options);
      view.finish();
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
