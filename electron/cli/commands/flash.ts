/**
 * `fiot-flash flash <source> --drive X [--drive Y ...]`: write an image to one or more cards and
 * prove it. Every check that can happen before writing happens here, before the writer starts;
 * the writer re-checks each target itself.
 */
import type { FlashRequest } from '../../../shared/domain/flash';
import type { Arch } from '../../../shared/domain/board';
import { mediumWords } from '../../../shared/domain/medium-words';
import { boardMismatch, boardMismatchError } from '../../../shared/domain/board-fit';
import { FiotError } from '../../../shared/errors';
import { isSha256 } from '../../../shared/sha256';
import { checkTargets } from '../../core/drives/check-targets';
import { targetDepsFor } from '../../core/drives/test-cards';
import { boardMedium } from '../../core/flash/preflight';
import { inspectSource, localFileResolver } from '../../core/image-source';
import { checkBoardFit, findBoard } from '../../core/image-arch';
import { CoreServices } from '../../core/services';
import { summariseBatch } from '../batch-summary';
import { confirmErase } from '../confirm';
import { reportFlash } from '../flash-report';
import { EXIT_FAILURE, EXIT_OK, type Command } from '../command';
import type { CliIO } from '../io';
import { parseCommandArgs, printHelpIfAsked, usageError } from '../parse-args';
import { createProgressView } from '../progress-view';
import { resolveForDryRun } from '../dry-run-source';
import { cardWriteOptions, counterStartFromFlags, profileFromFlags, provisioningHelp, provisioningWarnings } from '../provisioning-flags';
import type { Profile } from '../../../shared/provisioning';
import { prepareRemoteSource, reportDownloadVerification } from '../remote-source';
import { insecureSkipSignatureHelp } from '../image-progress';
import { tableFromFlags, warnStaticIp } from '../table-flag';

const help = `
Usage: fiot-flash flash <source> --drive <target> [--drive <target> ...] [options]

Writes an image to cards or sticks and reads it back to verify it.

  <source>            an image file (.raw .img .iso, plain or .xz .gz .bz2 .zst .zip),
                      an http(s):// URL, or a catalog reference such as fedora-iot:42@rpi4
  --drive <target>    a drive from \`fiot-flash drives\`, a loop device (/dev/loopN), or an
                      image file (an existing one, or a new one named .img .raw .iso .bin);
                      repeat to write several cards at once
  --yes               do not ask before erasing (for scripts; system drives are still refused)
  --dry-run           check everything and print which card gets which name and address, then
                      stop: nothing is downloaded or written
  --no-verify         skip reading the cards back (faster, but a bad card goes unnoticed)
  --no-discard        do not discard each card's old contents before writing (for a card whose
                      discard is slow): they may then remain in the new filesystems' free space
  --sha256 HEX        the expected sha256 of the source file; refuse to write on a mismatch
  --board ID          the board the cards are for (e.g. rpi4, see fiot-flash boards): an image
                      made for another architecture is refused before anything is written
  --ignore-board      write even when the image's architecture is not the board's
  --json              one JSON object per line: progress, then {"type":"result","ok":...}
  --on-card CMD       run CMD (through /bin/sh) after each card, with FIOT_DEVICE, FIOT_SERIAL,
                      FIOT_MODEL, FIOT_HOSTNAME, FIOT_IP, FIOT_ROW, FIOT_TABLE_ROW, FIOT_LABEL,
                      FIOT_RESULT (verified, ok, failed or cancelled), FIOT_ERROR_CODE, FIOT_ERROR,
                      FIOT_JOB_ID and FIOT_CARD in its environment: e.g. to print a label or
                      tell an inventory system. It runs for failed cards too; if it fails (or
                      runs over 60 s) that is reported and the exit status is 1.

${insecureSkipSignatureHelp.trim()}

${provisioningHelp.trim()}
  --table FILE           per-device values from a CSV file (RFC 4180, header line first): one
                         row per card, in order; columns hostname, ip (A.B.C.D/N, or bare with
                         --ip-prefix N), gateway, dns, ignition_url, kernel_args, label, and any
                         other column fills {column} in the first-boot files and units. Rows
                         already on a verified card are skipped (their state is kept in the
                         config folder). --gateway IP and --dns IP (without --static-ip) fill
                         the rows that give an address but no gateway or DNS of their own.

  Each card gets its own config. A --hostname with {n} continues its own numbering, kept in the
  config folder across runs (sensor-{n:03}: sensor-001, 002 now, 003, 004 next time); numbers
  are taken when writing starts and never handed out again, even if a card fails.
  --counter-start N sets where the numbering continues. Before asking, the card-to-hostname map
  is printed; a name the history already holds is warned about, and answering yes (or --yes)
  accepts it.

Each card's old contents are discarded first where the card takes a discard (Linux), so
nothing from its last use survives in its free space; where it cannot, the result says old
data may remain. Each card's claimed size is then probed with a few blocks; a card that loses
them, or fails to write inside the size it claims, is reported as probably counterfeit or failing.

Exit status: 0 when every card was written and verified; 2 for a usage error; 1 otherwise.
`;

const options = {
  drive: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  'no-verify': { type: 'boolean' },
  'no-discard': { type: 'boolean' },
  sha256: { type: 'string' },
  ...cardWriteOptions,
  'on-card': { type: 'string' },
} as const;

function findBoardOrUsage(id: string): void {
  try {
    findBoard(id);
  } catch {
    throw usageError(`There is no board “${id}”: run fiot-flash boards to list board ids (rpi4, uefi-x86_64, …).`);
  }
}

/**
 * Refuses an image made for another architecture than --board's, before any prompt; with
 * --ignore-board, says so and goes on. A dry run of a catalog reference has no file to read: the
 * catalog entry's architecture answers.
 */
async function checkBoard(request: FlashRequest, image: { path?: string; arch?: Arch }, io: CliIO): Promise<void> {
  const board = request.board;
  if (!board || (!image.path && !image.arch)) return;
  try {
    const mismatch = image.arch ? boardMismatch(findBoard(board), image.arch) : null;
    if (mismatch) throw boardMismatchError(mismatch, 'add --ignore-board');
    if (image.path) await checkBoardFit({ ref: request.source, source: await inspectSource(image.path), boardId: board, overrideWords: 'add --ignore-board' });
  } catch (error) {
    if (!request.ignoreBoard || !(error instanceof FiotError) || error.code !== 'IMAGE_BOARD_MISMATCH') throw error;
    const message = `${error.message} Writing it anyway (--ignore-board).`;
    io.warn(`Warning: ${message}`);
    io.emit({ type: 'warning', code: error.code, message });
  }
}

/** A source without a scheme is a local file: inspect it now so a bad file fails before any prompt. */
async function imageInfo(source: string): Promise<{ size: number | null; path?: string }> {
  if (/^[a-z][a-z0-9+.-]+:/i.test(source) && !/^[a-z]:[\\/]/i.test(source)) return { size: null };
  const info = await inspectSource(source);
  return { size: info.size ?? (info.minSize || null), path: info.path };
}

/** What a dry run knows of the image: a local file inspected, a catalog reference resolved (its architecture), a URL nothing. */
async function dryRunImage(source: string, services: CoreServices, io: CliIO): Promise<{ size: number | null; path?: string; arch?: Arch }> {
  const resolved = await resolveForDryRun(source, services.catalog, io);
  return resolved ? { size: null, arch: resolved.entry.architectures[0] } : imageInfo(source);
}

function parseRequest(argv: string[]) {
  const { values, positionals } = parseCommandArgs(argv, options, true);
  if (values.help) return { values, request: null };
  if (positionals.length !== 1) throw usageError(positionals.length === 0 ? 'Name the image to write: fiot-flash flash <source> --drive <target>.' : `Give one image to write; got ${positionals.length}: ${positionals.join(' ')}.`);
  if (!values.drive?.length) throw usageError('Name at least one target with --drive (run `fiot-flash drives` to list them).');
  if (values.sha256 !== undefined && !isSha256(values.sha256)) throw usageError('--sha256 takes the 64 hexadecimal digits of a sha256 checksum.');
  if (values['on-card'] !== undefined && !values['on-card'].trim()) throw usageError('--on-card takes a command to run after each card, e.g. --on-card \'lp -d labels "$FIOT_HOSTNAME"\'.');
  // Checked here, before any prompt or write: bad provisioning input exits 2 naming the flag.
  const provisioning = profileFromFlags(values);
  const table = tableFromFlags(values, provisioning);
  if (values.board !== undefined) findBoardOrUsage(values.board);
  if (values['ignore-board'] && values.board === undefined) throw usageError('--ignore-board goes with --board ID: name the board whose check to skip.');
  const request: FlashRequest = {
    source: positionals[0]!,
    targets: values.drive,
    verify: !values['no-verify'],
    discard: !values['no-discard'],
    sha256: values.sha256?.toLowerCase(),
    board: values.board,
    ignoreBoard: values['ignore-board'] ?? false,
    provisioning,
    counterStart: counterStartFromFlags(values),
    table: table?.input,
    insecureSkipSignature: values['insecure-skip-signature'] ?? false,
  };
  return { values, request, table };
}

export const command: Command = {
  summary: 'Write an image to one or more cards, verified',
  async run(argv, io) {
    const { values, request, table } = parseRequest(argv);
    if (printHelpIfAsked(values, help, io) || !request) return EXIT_OK;
    const services = new CoreServices();
    // Not cached yet: written while it downloads (the job checks the cards' size against the image's index).
    const streamed = !values['dry-run'] && (await services.images.needsDownload(request.source, request.sha256));
    const setUp = request.provisioning !== undefined || request.table !== undefined ? ' (and its first-boot setup)' : '';
    if (streamed) io.say(`${request.source} is not in the image cache yet: it is written to the card while it downloads, and its partition table${setUp} goes on once the download matched its checksum.`);
    // A dry run downloads nothing: a remote image's size is then unknown, as the plan does not need it.
    const image = values['dry-run'] ? await dryRunImage(request.source, services, io) : streamed ? { size: null } : (await prepareRemoteSource(services.images, request.source, { sha256: request.sha256, insecureSkipSignature: request.insecureSkipSignature }, io)) ?? (await imageInfo(request.source));
    await checkBoard(request, image, io);
    const medium = boardMedium(request.board);
    const { drives, warnings } = await checkTargets(request.targets, image, { ...targetDepsFor(services.config), ...(medium ? { medium } : {}) });
    for (const warning of warnings) {
      io.warn(`Warning: ${warning.message}`);
      io.emit({ type: 'warning', ...warning });
    }
    for (const message of provisioningWarnings(request.provisioning as Profile | undefined, drives.length)) {
      io.warn(`Warning: ${message}`);
      io.emit({ type: 'warning', message });
    }
    warnStaticIp(io, request.provisioning as Profile | undefined, table, values.table);
    const repeatedNames = await summariseBatch(request, drives, services.config.configDir, io, values.table);
    if (values['dry-run']) {
      io.say(`Dry run: nothing was written. Without --dry-run, ${drives.map((d) => d.device).join(', ')} would be ${values['no-discard'] ? 'written over (old data not erased first)' : 'erased and written'}.`);
      io.result(true, { dryRun: true, drives: drives.map((d) => d.device) });
      return EXIT_OK;
    }
    if (!values.yes) await confirmErase(drives, { input: io.stdin, output: process.stderr }, !values['no-discard']);

    // The terminal's person may name any file they can read: no client grants here.
    // Confirmed at the prompt (or by --yes) with the drives named: mounted ones are unmounted.
    const onCardCommand = values['on-card']?.trim();
    const job = services.flash({ ...request, allowDuplicateHostnames: repeatedNames.length > 0, unmountConfirmed: true }, localFileResolver, onCardCommand ? { onCardCommand } : {});
    const view = createProgressView(io);
    job.onProgress((progress) => view.update(progress));
    // Ctrl-C stops the writer cleanly; the result then reports each card as incomplete.
    const cancel = () => {
      view.finish();
      const words = medium ?? mediumWords(null);
      io.warn(`Cancelling… the ${drives.length === 1 ? words.one : words.many} will be incomplete. (Ctrl-C again quits at once.)`);
      job.cancel();
    };
    process.once('SIGINT', cancel);
    try {
      const result = await job.result;
      view.finish();
      if (streamed) await reportDownloadVerification(services.images, result.sourceSha256, io);
      return reportFlash(result, request.verify !== false, io) ? EXIT_OK : EXIT_FAILURE;
    } finally {
      view.finish();
      process.removeListener('SIGINT', cancel);
    }
  },
};
