/** `fiot-flash boards [--json]`: the boards the catalog knows, with what each needs. */
import { deliveryExplained, deliveryInWords, type Board, type Delivery } from '../../../shared/domain/board';
import { loadBoards } from '../../core/catalog/assets';
import { EXIT_OK, type Command } from '../command';
import { parseCommandArgs, printHelpIfAsked } from '../parse-args';
import { formatTable } from '../table';

const help = `
Usage: fiot-flash boards [--json]

Lists the boards Fedora IoT images are offered for, with their architecture, how well Fedora
supports them, and how an image reaches them. Use a board's ID in catalog references
(fedora-iot:42@rpi4) and with --board.

  --json   one JSON object: {"type":"result","ok":true,"boards":[...]}
`;

const supportWords: Record<Board['support'], string> = {
  supported: 'supported',
  community: 'community-tested',
  'needs-firmware': 'needs its own U-Boot',
  unsupported: 'not supported by Fedora',
};

export function boardsTable(boards: Board[]): string {
  return formatTable(
    // In words, as the legend under the table and catalog's HOW column say them; --json keeps the ids.
    ['ID', 'BOARD', 'ARCH', 'SUPPORT', 'HOW'],
    boards.map((b) => [b.id, b.name, b.arch, supportWords[b.support], b.deliveries.map((d) => deliveryInWords[d]).join(' | ') || '-']),
  );
}

export const command: Command = {
  summary: 'List the boards images are offered for',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
    if (printHelpIfAsked(values, help, io)) return EXIT_OK;
    const boards = loadBoards();
    io.say(boardsTable(boards));
    io.say('');
    for (const board of boards.filter((b) => b.support !== 'supported')) io.say(`${board.id}: ${board.notes[0] ?? ''}`);
    io.say('');
    for (const [delivery, sentence] of Object.entries(deliveryExplained)) io.say(`${deliveryInWords[delivery as Delivery]}: ${sentence}`);
    io.result(true, { boards });
    return EXIT_OK;
  },
};
