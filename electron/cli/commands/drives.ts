/** `fiot-flash drives [--all] [--json]`: the drives an image can be written to. */
import type { Drive } from '../../../shared/domain/drive';
import { formatSize } from '../../../shared/format-size';
import { loadConfig } from '../../core/config';
import { listDrives } from '../../core/drives/list-drives';
import { driveListerFor } from '../../core/drives/test-cards';
import { EXIT_OK, type Command } from '../command';
import { parseCommandArgs, printHelpIfAsked } from '../parse-args';

const help = `
Usage: fiot-flash drives [--all] [--json]

Lists the cards and sticks an image can be written to.

  --all    also list system drives (marked "system"; they are never written)
  --json   one JSON object: {"type":"result","ok":true,"drives":[...]}

Loop devices are not listed (but for the stand-in cards of FIOT_TEST_CARD_DIR): name one
explicitly, e.g. fiot-flash flash IMAGE --drive /dev/loop3.
`;

function flags(drive: Drive): string {
  return [
    drive.isSystem && 'system',
    drive.isRemovable && 'removable',
    drive.isReadOnly && 'read-only',
    drive.mountpoints.length > 0 && `mounted at ${drive.mountpoints.join(', ')}`,
  ]
    .filter(Boolean)
    .join(', ');
}

/** A plain table, columns sized to their content, so it reads well in a terminal and in a log. */
export function drivesTable(drives: Drive[]): string {
  const rows = [['DEVICE', 'SIZE', 'DESCRIPTION', 'NOTES'], ...drives.map((d) => [d.device, formatSize(d.size), d.description, flags(d)])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

export const command: Command = {
  summary: 'List the drives an image can be written to',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { all: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
    if (printHelpIfAsked(values, help, io)) return EXIT_OK;
    // The same listing the app and `flash --drive` use (with FIOT_TEST_CARD_DIR, its stand-in cards too).
    const drives = await listDrives({ all: values.all ?? false }, driveListerFor(loadConfig()));
    if (drives.length === 0) {
      io.say(values.all ? 'No drives found.' : 'No removable drives found. Insert a card or stick (or use --all to see system drives).');
    } else {
      io.say(drivesTable(drives));
    }
    io.result(true, { drives });
    return EXIT_OK;
  },
};
