/** `fiot-flash restore DRIVE`: erase a card back to one empty FAT32/exFAT partition, for normal use. */
import { DEFAULT_RESTORE_LABEL, restoreFilesystem } from '../../../shared/domain/restore';
import { FiotError } from '../../../shared/errors';
import { formatSize } from '../../../shared/format-size';
import { oldDataWords } from '../../../shared/domain/old-data';
import { checkRestoreTarget, restoreDrive } from '../../core/restore/restore-drive';
import { confirmErase } from '../confirm';
import { EXIT_OK, type Command } from '../command';
import { parseCommandArgs, printHelpIfAsked, usageError } from '../parse-args';

const help = `
Usage: fiot-flash restore <drive> [--label NAME] [--yes] [--json]

Restores a card or stick to normal use: erases it and leaves one partition over the whole
drive with an empty filesystem, FAT32 up to 32 GiB and exFAT above (what cards are sold with).

  <drive>         a drive from \`fiot-flash drives\`, or a loop device (/dev/loopN)
  --label NAME    the filesystem label (default ${DEFAULT_RESTORE_LABEL}); FAT32: up to 11 letters,
                  digits and simple punctuation; exFAT: up to 11 characters
  --yes           do not ask before erasing (system drives are still refused)
  --json          one JSON object: {"type":"result","ok":...,"filesystem":...,"label":...}

Exit status: 0 when the drive was restored; 2 for a usage error; 1 otherwise.
`;

const options = {
  label: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const command: Command = {
  summary: 'Erase a card back to one empty FAT32/exFAT partition',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, options, true);
    if (printHelpIfAsked(values, help, io)) return EXIT_OK;
    if (positionals.length !== 1) throw usageError('Name one drive to restore: fiot-flash restore <drive> (run `fiot-flash drives` to list them).');
    const request = { device: positionals[0]!, ...(values.label !== undefined ? { label: values.label } : {}) };
    // A label the filesystem cannot hold, or an image file named as the drive, is a usage error (exit 2).
    const { drive, label } = await checkRestoreTarget(request).catch((error: unknown) => {
      throw error instanceof FiotError && error.code === 'INVALID_INPUT' ? usageError(error.message) : error;
    });
    io.say(`${drive.device} will get one ${restoreFilesystem(drive.size ?? 0) === 'fat32' ? 'FAT32' : 'exFAT'} partition labelled ${label} (${formatSize(drive.size)}).`);
    if (!values.yes) await confirmErase([drive], { input: io.stdin, output: process.stderr });
    // Confirmed at the prompt (or by --yes) with the drive named: a mounted one is unmounted.
    const result = await restoreDrive({ ...request, unmountConfirmed: true });
    io.say(`Restored ${result.device}: ${result.filesystem === 'fat32' ? 'FAT32' : 'exFAT'} “${result.label}”, ${formatSize(result.partition.size)}.`);
    if (result.oldData) io.say(oldDataWords(result.oldData));
    io.result(true, { ...result });
    return EXIT_OK;
  },
};
