/**
 * `fiot-flash backup <drive> <file.raw.xz>`: save a golden card as an image this app writes to
 * other cards (electron/core/backup/backup-card.ts), reading only the blocks its filesystems use.
 */
import { createInterface } from 'node:readline/promises';
import { FiotError } from '../../../shared/errors';
import { formatSize } from '../../../shared/format-size';
import { backupCard, checkBackupOutput } from '../../core/backup/backup-card';
import { EXIT_OK, type Command } from '../command';
import type { CliIO } from '../io';
import { parseCommandArgs, printHelpIfAsked, usageError } from '../parse-args';

const help = `
Usage: fiot-flash backup <drive> <file.raw.xz> [--clear-identity | --keep-identity] [--json]

Saves a card (a "golden card" set up by hand) as an image to flash onto other cards. Only the
blocks its filesystems use are read; the rest of the image is zeros. The file is xz-compressed
in 1 MiB blocks with all cores (as Fedora's own images are), so flashing it decodes only the
blocks that hold data. The image ends where the card's last partition ends (a GPT card is saved
whole). The card itself is never changed.

  <drive>             a card from \`fiot-flash drives\`, or a loop device; nothing on it may be mounted
  <file.raw.xz>       the image to create (it must not exist yet)
  --clear-identity    clear the machine ID (/etc/machine-id, emptied) and the SSH host keys in the
                      copy, so each clone makes its own at first boot; asked on a terminal when
                      neither flag is given
  --keep-identity     copy them as they are (every clone then shares them)
  --json              one JSON object: {"type":"result","ok":...,"imageSize":...,"fileBytes":...}

Exit status: 0 when the image was saved; 2 for a usage error; 1 otherwise.
`;

const options = {
  'clear-identity': { type: 'boolean' },
  'keep-identity': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Clones must not share an identity by accident: asked on a terminal, and a script must say which. */
async function clearIdentityAnswer(values: { 'clear-identity'?: boolean; 'keep-identity'?: boolean }, io: CliIO): Promise<boolean> {
  if (values['clear-identity'] && values['keep-identity']) throw usageError('Give --clear-identity or --keep-identity, not both.');
  if (values['clear-identity'] || values['keep-identity']) return Boolean(values['clear-identity']);
  const input = io.stdin;
  if (!input.isTTY) throw usageError('Say whether clones get their own identity: --clear-identity (machine ID and SSH host keys cleared in the copy) or --keep-identity.');
  const rl = createInterface({ input, output: process.stderr });
  try {
    const answer = await rl.question('Clear the machine ID and SSH host keys in the copy, so each clone makes its own? [Y/n] ');
    return !/^n/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export const command: Command = {
  summary: 'Save a card as an image to flash onto other cards (golden card)',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, options, true);
    if (printHelpIfAsked(values, help, io)) return EXIT_OK;
    if (positionals.length !== 2) throw usageError('Name the card and the image to create: fiot-flash backup <drive> <file.raw.xz>.');
    const [device, output] = positionals as [string, string];
    try {
      checkBackupOutput(output);
    } catch (error) {
      throw error instanceof FiotError ? usageError(error.message) : error;
    }
    const clearIdentity = await clearIdentityAnswer(values, io);
    let shown = -1;
    const result = await backupCard({ device, output, clearIdentity }, {
      onProgress: ({ bytes, totalBytes }) => {
        const tenth = Math.floor((bytes / totalBytes) * 10);
        if (tenth === shown) return;
        shown = tenth;
        io.emit({ type: 'progress', phase: 'reading', bytes, totalBytes });
        if (!io.json) process.stderr.write(`Saving ${device}: ${tenth * 10}%\n`);
      },
    });
    if (clearIdentity) io.say(result.cleared.length ? `Cleared in the copy: ${result.cleared.join(', ')}.` : 'No machine ID or SSH host key was found to clear.');
    io.say(`Saved ${result.device} as ${result.output}: a ${formatSize(result.imageSize)} image (${formatSize(result.dataBytes)} of data read), ${formatSize(result.fileBytes)} compressed, in ${(result.durationMs / 1000).toFixed(1)} s.`);
    io.result(true, { ...result });
    return EXIT_OK;
  },
};
