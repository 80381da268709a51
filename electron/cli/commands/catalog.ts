/** `fiot-flash catalog [--board ID] [--offline] [--json]`: what Fedora publishes, per board. */
import { deliveryExplained, deliveryInWords, type Board, type Delivery } from '../../../shared/domain/board';
import { entriesForBoard, mirrorGapOf, ownMirror, type Catalog, type CatalogEntry } from '../../../shared/domain/catalog';
import { FiotError } from '../../../shared/errors';
import { formatSize } from '../../../shared/format-size';
import { formatWhen } from '../../../shared/format-time';
import { CoreServices } from '../../core/services';
import type { CliIO } from '../io';
import { EXIT_OK, type Command } from '../command';
import { parseCommandArgs, printHelpIfAsked } from '../parse-args';
import { formatTable } from '../table';

const help = `
Usage: fiot-flash catalog [--board ID] [--offline] [--json]

Lists the Fedora IoT raw images and bootc containers Fedora publishes, newest stable first.
Sources are asked again in parallel; one that cannot be reached is noted, and what it said last
time (or the snapshot shipped with the app) is shown instead.

  --board ID   only what fits this board (see fiot-flash boards), with how it gets there
  --offline    do not ask the sources: show the cached catalog (or the shipped snapshot)
  --json       one JSON object: {"type":"result","ok":true,"entries":[...],"sources":[...]}

The USE column is what to type: a raw image's catalog reference for flash and download
(fiot-flash flash fedora-iot:43@rpi4 --drive ...), or a container's reference for build and
--bootc-switch. HOW says how the entry reaches the board (fiot-flash boards explains each way).
`;

/** Without a board: every way the entry can reach some board of its architectures. */
function deliveriesOf(entry: CatalogEntry, boards: Board[]): Delivery[] {
  if (entry.kind === 'raw-image') return ['published-raw'];
  const fitting = boards.filter((b) => entry.architectures.includes(b.arch)).flatMap((b) => b.deliveries);
  return [...new Set(fitting)].filter((d) => d !== 'published-raw');
}

/**
 * What a person types to use the entry: a raw image's catalog reference (`fedora-iot:43@rpi4`, or
 * the architecture without a board), which flash and download take; a container's reference, which
 * build and --bootc-switch take.
 */
export function referenceFor(entry: CatalogEntry, board: Board | undefined): string {
  if (entry.kind === 'bootc-container') return entry.reference ?? '-';
  return `${entry.variant}:${entry.version}@${board?.id ?? entry.architectures[0]}`;
}

/**
 * Where the catalog shown comes from, in one place: when the refresh was, and which sources'
 * part is older (they did not answer then: an earlier answer or the shipped snapshot stands in).
 */
function origin(catalog: Catalog): string {
  if (catalog.origin === 'snapshot') return `snapshot of ${catalog.snapshotDate}`;
  const when = catalog.updatedAt ? formatWhen(catalog.updatedAt) : 'unknown';
  const refreshed = catalog.origin === 'live' ? `refreshed ${when}` : `cached, last refreshed ${when}`;
  const older = catalog.sources.filter((s) => s.state !== 'ok');
  if (older.length === 0) return refreshed;
  const byDate = new Map<string, string[]>();
  for (const source of older) {
    const date = (source.shownFrom ?? catalog.snapshotDate).slice(0, 10);
    byDate.set(date, [...(byDate.get(date) ?? []), source.id]);
  }
  const parts = [...byDate].map(([date, ids]) => `${ids.join(', ')} did not answer then: shown from ${date === catalog.snapshotDate ? `the snapshot of ${date}` : `their answer of ${date}`}`);
  return `${refreshed}; ${parts.join('; ')}`;
}

/**
 * Quiet one-line notices for sources that did not answer (never an error: the catalog still works).
 * With --offline nothing was asked, so an earlier run's failures are not repeated as if they were
 * news: one line says how old what is shown is.
 */
export function notices(catalog: Catalog, offline = false): string[] {
  const quiet = catalog.sources.filter((s) => s.state !== 'ok');
  if (quiet.length > 0 && quiet.every((s) => s.checkedAt === null)) {
    return [`not refreshed yet: showing the snapshot of ${catalog.snapshotDate} (run without --offline to refresh)`];
  }
  // The header says how old each part is: one date, said once.
  if (offline) return ['offline: the sources were not asked (run without --offline to refresh)'];
  return quiet.map((s) => `${s.id}: ${s.message ?? s.state}`);
}

function printHuman(io: CliIO, catalog: Catalog, board: Board | undefined, boards: Board[], offline: boolean): void {
  const rows = board
    ? entriesForBoard(catalog, board).map(({ entry, delivery }) => [board.id, entry, [delivery]] as const)
    : catalog.entries.map((entry) => ['', entry, deliveriesOf(entry, boards)] as const);
  io.say(`Fedora IoT catalog (${origin(catalog)})`);
  io.say(
    formatTable(
      [...(board ? ['BOARD'] : []), 'USE', 'KIND', 'VERSION', 'ARCH', 'DATE', 'SIZE', 'ON CARD', 'HOW'],
      rows.map(([id, e, deliveries]) => [
        ...(board ? [id] : []),
        referenceFor(e, board),
        e.kind === 'raw-image' ? 'disk image' : 'container',
        e.stable ? e.version : `${e.version} (prerelease)`,
        e.architectures.join(','),
        e.date ?? '-',
        e.size === null ? '-' : formatSize(e.size),
        e.imageSize === null ? '-' : formatSize(e.imageSize),
        deliveries.map((d) => deliveryInWords[d]).join(' | '),
      ]),
    ),
  );
  if (board) {
    io.say('');
    for (const delivery of board.deliveries) io.say(`${deliveryInWords[delivery]}: ${deliveryExplained[delivery]}`);
    for (const note of board.notes) io.say(`Note: ${note}`);
  }
  sayMirrorGaps(io, catalog, rows.map(([, entry]) => entry), board);
  for (const line of notices(catalog, offline)) io.warn(`notice: ${line}`);
}

/** The raw images listed that the person's own mirror answered without, and where they would come from. */
function sayMirrorGaps(io: CliIO, catalog: Catalog, shown: CatalogEntry[], board: Board | undefined): void {
  const missing = shown.filter((entry) => mirrorGapOf(catalog, entry));
  const mirror = ownMirror(catalog);
  if (!mirror || missing.length === 0) return;
  const hosts = [...new Set(missing.map((e) => (e.url ? new URL(e.url).host : '?')))].join(', ');
  io.say(`Not on your mirror (${mirror}), so downloaded from ${hosts}: ${missing.map((e) => referenceFor(e, board)).join(', ')}.`);
}

export const command: Command = {
  summary: 'List the Fedora IoT images and containers, per board',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      board: { type: 'string' },
      offline: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (printHelpIfAsked(values, help, io)) return EXIT_OK;
    const service = new CoreServices().catalog;
    const boards = service.boards();
    const board = values.board === undefined ? undefined : boards.find((b) => b.id === values.board);
    if (values.board !== undefined && !board) {
      throw new FiotError('USAGE', `There is no board “${values.board}”.`, `Board ids: ${boards.map((b) => b.id).join(', ')}.`);
    }
    const catalog = values.offline ? await service.get() : await service.refresh();
    if (io.json) {
      const entries = board ? entriesForBoard(catalog, board).map(({ entry, delivery }) => ({ ...entry, delivery })) : catalog.entries;
      const { origin: from, snapshotDate, updatedAt, sources } = catalog;
      io.result(true, { origin: from, snapshotDate, updatedAt, ...(board ? { board: board.id } : {}), entries, sources, notices: notices(catalog, Boolean(values.offline)) });
    } else {
      printHuman(io, catalog, board, boards, Boolean(values.offline));
    }
    return EXIT_OK;
  },
};
