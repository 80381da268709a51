/** `fiot-flash history [--json | --csv] [--limit N]`: which image went to which card, newest first. */
import { imageLabel, type HistoryEntry } from '../../../shared/domain/history';
import { loadConfig } from '../../core/config';
import { historyCsv, readEntries } from '../../core/history';
import type { Command } from '../main';
import { parseCommandArgs, printHelpIfAsked, usageError } from '../parse-args';
import { formatTable } from '../table';

const help = `
Usage: fiot-flash history [--json | --csv] [--limit N]

Lists every card written by this app, the CLI or a station on this machine, newest first:
when, the hostname it was given, the device, the image and whether it was verified.

  --limit N   only the newest N cards
  --json      one JSON object: {"type":"result","ok":true,"entries":[...]}
  --csv       CSV for a spreadsheet: a header, then one row per card (RFC 4180)

The log lives in the config folder (FIOT_CONFIG_DIR) as history.jsonl. It never holds
passwords, password hashes, SSH keys or Wi-Fi passphrases.
`;

const options = {
  limit: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const resultWords: Record<HistoryEntry['result'], string> = {
  verified: 'verified',
  ok: 'written, not verified',
  failed: 'FAILED',
  cancelled: 'cancelled',
};

function tableRow(entry: HistoryEntry): string[] {
  const result = resultWords[entry.result] + (entry.error && entry.result === 'failed' ? ` (${entry.error.code})` : '');
  return [entry.time.slice(0, 19).replace('T', ' '), entry.hostname ?? '-', entry.device.path, imageLabel(entry.source.given), result];
}

function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value)) throw usageError(`--limit takes a whole number of cards, such as 20; got “${value}”.`);
  return Number(value);
}

export const command: Command = {
  summary: 'Show which image went to which card (--csv for a spreadsheet)',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, options);
    if (printHelpIfAsked(values, help, io)) return 0;
    if (values.json && values.csv) throw usageError('Choose one output: --json or --csv.');
    const entries = await readEntries(loadConfig().configDir, parseLimit(values.limit));
    if (values.csv) {
      io.stdout.write(historyCsv(entries));
      return 0;
    }
    if (io.json) {
      io.result(true, { entries });
      return 0;
    }
    if (entries.length === 0) {
      io.say('No cards have been written yet. Each card `fiot-flash flash` or the app writes is listed here.');
      return 0;
    }
    io.say(formatTable(['TIME (UTC)', 'HOSTNAME', 'DEVICE', 'IMAGE', 'RESULT'], entries.map(tableRow)));
    return 0;
  },
};
