/**
 * Before a multi-card flash: say which card gets which name (and table row),
 * warning about names the history already holds. Runs before the erase question, so the person
 * answering it has seen the map. The table itself was checked when the flags were read (table-flag.ts).
 */
import type { Drive } from '../../shared/domain/drive';
import { cardIdentity } from '../core/drives/device-identity';
import type { FlashRequest } from '../../shared/domain/flash';
import { FiotError } from '../../shared/errors';
import { emptyRowsNote, readDeviceTable, tableRowWords } from '../../shared/provisioning';
import { previewBatch, tableExhausted } from '../core/provision/plan-flash';
import type { CliIO } from './io';
import { usageError } from './parse-args';

/** Says once that the table's wholly empty rows (`,,` lines a spreadsheet leaves) are not devices. */
export function sayEmptyRows(request: Pick<FlashRequest, 'table' | 'provisioning'>, io: CliIO): void {
  const table = request.table && readDeviceTable(request.table.text, request.provisioning).table;
  const note = table ? emptyRowsNote(table) : null;
  if (note) io.say(note);
}

/** Prints the card-to-hostname map; returns the names the history already holds. */
export async function summariseBatch(request: FlashRequest, drives: Drive[], configDir: string, io: CliIO, tableFile?: string): Promise<string[]> {
  if (request.provisioning === undefined && request.table === undefined) return [];
  let preview;
  try {
    preview = await previewBatch(request, drives.length, configDir, drives.map(cardIdentity));
  } catch (error) {
    if (error instanceof FiotError && error.code === 'INVALID_INPUT' && tableFile) throw usageError(error.message.replace(/^table: /gm, `--table ${tableFile}: `));
    throw error;
  }
  sayEmptyRows(request, io);
  if (preview.rowsLeft !== undefined && preview.rowsLeft < drives.length) throw tableExhausted(preview.rowsLeft, drives.length);
  for (const card of preview.cards) {
    const drive = drives[card.card - 1]!;
    const from = card.tableLine ? ` from ${tableRowWords({ row: card.tableRow, line: card.tableLine })}${card.label ? `, label ${card.label}` : ''}` : '';
    if (card.hostname || card.ip) io.say(`Card ${card.card}: ${drive.device} → ${[card.hostname ?? 'hostname unchanged', card.ip].filter(Boolean).join(', ')}${from}`);
  }
  io.emit({ type: 'plan', cards: preview.cards.map((card) => ({ ...card, device: drives[card.card - 1]?.device })) });
  for (const name of preview.repeatedNames) {
    const message = `A card named “${name}” is already in the history; answering yes (or --yes) writes the name again.`;
    io.warn(`Warning: ${message}`);
    io.emit({ type: 'warning', code: 'DUPLICATE_HOSTNAME', message });
  }
  return preview.repeatedNames;
}
