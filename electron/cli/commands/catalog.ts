/** `fiot-flash catalog [--board ID] [--offline] [--json]`: what Fedora publishes, per board. */
import { deliveryExplained, type Board } from '../../../shared/domain/board';
import { entriesForBoard, type Catalog, type CatalogEntry } from '../../../shared/domain/catalog';
import { FiotError } from '../../../shared/errors';
import { formatSize } from '../../../shared/format-size';
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

Flash an entry with a catalog reference: fiot-flash flash fedora-iot:42@rpi4 --drive ...
`;

/** Without a board: every way the entry can reach some board of its architectures. */
function deliveriesOf(entry: CatalogEntry, boards: Board[]): string {
  if (entry.kind === 'raw-image') return 'published-raw';
  const fitting = boards.filter((b) => entry.architectures.includes(b.arch)).flatMap((b) => b.deliveries);
  return [...new Set(fitting)].filter((d) => d !== 'published-raw').join(' | ');
}

function origin(catalog: Catalog): string {
  if (catalog.origin === 'snapshot') return `snapshot of ${catalog.snapshotDate}`;
  const when = catalog.updatedAt ? catalog.updatedAt.slice(0, 16).replace('T', ' ') + ' UTC' : 'unknown';
  return catalog.origin === 'live' ? `refreshed ${when}` : `cached, last refreshed ${when}`;
}

/** Quiet one-line notices for sources that did not answer (never an error: the catalog still works). */
export function notices(catalog: Catalog): string[] {
  const quiet = catalog.sources.filter((s) => s.state !== 'ok');
  if (quiet.length > 0 && quiet.every((s) => s.checkedAt === null)) {
    return [`not refreshed yet: showing the snapshot of ${catalog.snapshotDate} (run without --offline to refresh)`];
  }
  return quiet.map((s) => `${s.id}: ${s.message ?? s.state}`);
}

function printHuman(io: CliIO, catalog: Catalog, board: Board | undefined, boards: Board[]): void {
  const rows = board
    ? entriesForBoard(catalog, board).map(({ entry, delivery }) => [board.id, entry, delivery] as const)
    : catalog.entries.map((entry) => ['', entry, deliveriesOf(entry, boards)] as const);
  io.say(`Fedora IoT catalog (${origin(catalog)})`);
  io.say(
    formatTable(
      [...(board ? ['BOARD'] : []), 'KIND', 'VARIANT', 'VERSION', 'ARCH', 'DATE', 'SIZE', 'ON CARD', 'DELIVERY'],
      rows.map(([id, e, delivery]) => [
        ...(board ? [id] : []),
        e.kind === 'raw-image' ? 'raw image' : 'bootc container',
        e.variant,
        e.stable ? e.version : `${e.version} (prerelease)`,
        e.architectures.join(','),
        e.date ?? '-',
        e.size === null ? '-' : formatSize(e.size),
        e.imageSize === null ? '-' : formatSize(e.imageSize),
        delivery,
      ]),
    ),
  );
  if (board) {
    io.say('');
    for (const delivery of board.deliveries) io.say(`${delivery}: ${deliveryExplained[delivery]}`);
    for (const note of board.notes) io.say(`Note: ${note}`);
  }
  for (const line of notices(catalog)) io.warn(`notice: ${line}`);
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
      io.result(true, { origin: from, snapshotDate, updatedAt, ...(board ? { board: board.id } : {}), entries, sources, notices: notices(catalog) });
    } else {
      printHuman(io, catalog, board, boards);
    }
    return EXIT_OK;
  },
};
