/**
 * `fiot-flash history [--json | --csv] [--limit N]`: which image went to which card, newest first;
 * `--batch JOB|last`: one batch's record (a bench session, or one flash job), a table on a terminal,
 * or --csv, --json, --html or --labels for the paperwork.
 */
import { sheetCard, sheetColumns, sheetTitle } from '../../../shared/batch-sheet';
import { closestName } from '../../../shared/did-you-mean';
import { checkinSummary } from '../../../shared/domain/checkin';
import { oldDataShortWords } from '../../../shared/domain/old-data';
import { batchOf, imageLabel, type HistoryEntry } from '../../../shared/domain/history';
import { withCheckins } from '../../core/checkin/checkin-log';
import { loadConfig } from '../../core/config';
import { batchEntries, exportBatch, historyCsv, readEntries } from '../../core/history';
import { FiotError } from '../../../shared/errors';
import { EXIT_OK, type Command } from '../command';
import type { CliIO } from '../io';
import { parseCommandArgs, printHelpIfAsked, usageError } from '../parse-args';
import { formatTable } from '../table';

const help = `
Usage: fiot-flash history [--json | --csv] [--limit N]
       fiot-flash history --batch JOB|last [--csv | --json | --html | --labels]

Lists every card written by this app, the CLI or a station on this machine, newest first:
when, the hostname it was given, the device, the image, whether it was verified, and, for
cards written with check-in (the app and the station turn it on for batches), whether the
device said it came up: "came up 10:32 on 192.168.1.57", "not heard from after 30 min", or
"awaited" while the app still listens.

  --limit N   only the newest N cards
  --json      one JSON object: {"type":"result","ok":true,"entries":[...]}
  --csv       CSV for a spreadsheet: a header, then one row per card (RFC 4180)
  --batch JOB one batch's cards: the card bench's batch id (batchId in --json) or a flash job's id
              (\`last\`: the newest card bench batch, else the newest job; the ids are in --json):
              a table on a terminal; CSV with --csv or when piped or redirected; JSON (--json);
              a printable A4 HTML sheet (--html) with one line per card (device, model, serial,
              hostname, IP, table row, label, result in words, and whether it came up when
              checked in) and a QR code per card holding its hostname, serial and job id; or
              (--labels) an HTML page of 62 mm x 29 mm labels for a label printer,
              one per card written to the end. The CSV has the sheet's columns.

The log lives in the config folder (FIOT_CONFIG_DIR) as history.jsonl. It never holds
passwords, password hashes, SSH keys or Wi-Fi passphrases.
`;

const options = {
  limit: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  html: { type: 'boolean' },
  labels: { type: 'boolean' },
  batch: { type: 'string' },
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
  return [entry.time.slice(0, 19).replace('T', ' '), entry.hostname ?? (entry.plannedHostname ? `${entry.plannedHostname} (not given)` : '-'), entry.device.path, imageLabel(entry.source.given), result, entry.oldData ? oldDataShortWords(entry.oldData) : '-', entry.checkin ? checkinSummary(entry.checkin) : '-'];
}

/** The batch's cards; a job id that is not one but is near `last` (`lst`) is told so. */
function findBatch(entries: HistoryEntry[], jobId: string | undefined): HistoryEntry[] {
  try {
    return batchEntries(entries, jobId);
  } catch (error) {
    if (jobId === undefined || !(error instanceof FiotError) || closestName(jobId, ['last']) !== 'last') throw error;
    throw new FiotError(error.code, error.message, `Did you mean --batch last (the newest batch)? ${error.hint}`);
  }
}

/**
 * A batch on a terminal: a table a person reads (the file formats are a flag away). Piped or
 * redirected, the output stays the CSV it always was, for the scripts that read it.
 */
function sayBatch(batch: HistoryEntry[], io: CliIO): void {
  const cards = batch.map(sheetCard);
  const columns = sheetColumns(cards).filter(([key]) => key !== 'model');
  io.say(`${sheetTitle(batch)}, image ${imageLabel(batch[0]!.source.given)}`);
  io.say(formatTable(columns.map(([, heading]) => heading.toUpperCase()), cards.map((card) => columns.map(([key]) => String(card[key]) || '-'))));
  io.say('');
  io.say('For a spreadsheet add --csv, for a printable sheet --html (e.g. > batch.html), for labels --labels.');
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
    if (printHelpIfAsked(values, help, io)) return EXIT_OK;
    if ([values.json, values.csv, values.html, values.labels].filter(Boolean).length > 1) throw usageError('Choose one output: --json, --csv, --html or --labels.');
    const { configDir } = loadConfig();
    if (values.batch !== undefined) {
      const entries = await withCheckins(configDir, await readEntries(configDir));
      const jobId = values.batch === 'last' ? undefined : values.batch;
      const cards = findBatch(entries, jobId);
      // --json keeps the CLI's one-result-object form; the file export's JSON is the same cards.
      if (io.json) io.result(true, { jobId: batchOf(cards[0]!), cards });
      else if (!values.csv && !values.html && !values.labels && io.isTTY) sayBatch(cards, io);
      else io.stdout.write(exportBatch(entries, values.html ? 'html' : values.labels ? 'labels' : 'csv', jobId).text);
      return EXIT_OK;
    }
    if (values.html || values.labels) throw usageError(`--${values.html ? 'html' : 'labels'} needs --batch JOB|last: the printable sheet is for one batch.`);
    const entries = await withCheckins(configDir, await readEntries(configDir, parseLimit(values.limit)));
    if (values.csv) {
      io.stdout.write(historyCsv(entries));
      return EXIT_OK;
    }
    if (io.json) {
      io.result(true, { entries });
      return EXIT_OK;
    }
    if (entries.length === 0) {
      io.say('No cards have been written yet. Each card `fiot-flash flash` or the app writes is listed here.');
      return EXIT_OK;
    }
    io.say(formatTable(['TIME (UTC)', 'HOSTNAME', 'DEVICE', 'IMAGE', 'RESULT', 'OLD DATA', 'CHECK-IN'], entries.map(tableRow)));
    return EXIT_OK;
  },
};
