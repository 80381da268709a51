/**
 * `fiot-flash bench <image> [provisioning flags] [--table FILE]`: the card bench in a terminal, for
 * a field laptop with a USB hub and no browser. One bench session: every removable card inserted is
 * written with the next values and verified, a line per card as it goes; Ctrl-C switches the bench
 * off once the cards being written are done. It asks once, at the start, that every card inserted
 * will be erased (--yes for scripts).
 */
import path from 'node:path';
import type { BenchRequest, BenchSlot, BenchStatus } from '../../../shared/api/bench';
import type { Drive } from '../../../shared/domain/drive';
import { downloadPaceWords, type DownloadPace, type FlashRequest, type FlashResult } from '../../../shared/domain/flash';
import { cardStepWords } from '../../../shared/domain/flash-figures';
import { imageLabel } from '../../../shared/domain/history';
import { errorCatalog, isErrorCode, type ErrorInfo } from '../../../shared/errors';
import { oldDataWords } from '../../../shared/domain/old-data';
import { tableRowWords, type Profile } from '../../../shared/provisioning';
import { cardIdentity } from '../../core/drives/device-identity';
import { listDrives } from '../../core/drives/list-drives';
import { inspectSource, localFileResolver } from '../../core/image-source';
import { countTableRows } from '../../core/fleet/bench-table';
import { BenchWriter } from '../../core/fleet/bench-writer';
import { driveListerFor } from '../../core/drives/test-cards';
import { previewBatch } from '../../core/provision/plan-flash';
import { SeriesStore } from '../../core/provision/series-store';
import { CoreServices } from '../../core/services';
import { tableFromFlags, warnStaticIp } from '../table-flag';
import { sayEmptyRows } from '../batch-summary';
import { EXIT_FAILURE, EXIT_OK, type Command } from '../command';
import { confirmSessionErase, describeTarget } from '../confirm';
import type { CliIO } from '../io';
import { parseCommandArgs, printHelpIfAsked, usageError } from '../parse-args';
import { cardWriteOptions, counterStartFromFlags, profileFromFlags, provisioningHelp } from '../provisioning-flags';
import { checkRemoteSource, prepareRemoteSource, reportDownloadVerification } from '../remote-source';
import type { ImageService } from '../../core/images/image-service';
import { formatSize } from '../../../shared/format-size';
import { insecureSkipSignatureHelp } from '../image-progress';
import { glossary } from '../../../shared/glossary';
import { foldedParagraph } from '../help-text';

const help = `
Usage: fiot-flash bench <source> [provisioning flags] [--table FILE] [--include-present] [--yes] [--json]

${foldedParagraph(`The card bench in the terminal. ${glossary.cardBench.line} Cards already in readers when it is switched on are listed and not written: take one out and put it back in to write it, or give --include-present to write them too.`)}

Every removable card inserted into a reader is erased, written with the next values (the
hostname's numbering, or the device table's next row) and verified. One line per card as it
goes: device, hostname, phase, percent, result. Cards inserted while writers are busy wait for a
free one; with the device table's rows all taken, a card waits with "no rows left". A card is
written once while the bench is on: put back in, a card it wrote is left alone, saying what it
was written as, and takes no row or number (switch the bench off and on again to rewrite it);
another card is written. System and fixed drives are never written, nor a card a job started
elsewhere is writing.

Ctrl-C switches the bench off: no new card is taken, the cards being written are finished, then
the count is printed. Everything written between switching it on and off is one batch in the
history (\`fiot-flash history --batch last\`).

  <source>            an image file, an http(s):// URL, or a catalog reference (see flash)
  --table FILE        a device table: a CSV file, one row per card in insertion order
                      (see \`fiot-flash flash --help\`); --gateway IP and --dns IP fill the
                      rows that give an address but no gateway or DNS of their own
  --include-present   also write the cards already in readers when the session starts (listed
                      before it starts); without it they are left alone
  --yes               do not ask at the start (for scripts): every card inserted is erased
                      (not the cards already in readers, unless --include-present)
  --board ID          the board the cards are for (e.g. rpi4): an image made for another
                      architecture is refused before anything is written
  --ignore-board      write even when the image's architecture is not the board's
  --json              one JSON object per line: {"type":"card",...} per change of a card,
                      then {"type":"result","ok":...} when the session has ended

${insecureSkipSignatureHelp.trim()}

${provisioningHelp.trim()}

Exit status: 0 when every card of the session was written and verified; 2 for a usage error;
1 when a card failed or the bench stopped (a state file could not be saved).
`;

const options = { ...cardWriteOptions, 'include-present': { type: 'boolean' } } as const;

function parseRequest(argv: string[]) {
  const { values, positionals } = parseCommandArgs(argv, options, true);
  if (values.help) return { values, request: null };
  if (positionals.length !== 1) throw usageError(positionals.length === 0 ? 'Name the image to write: fiot-flash bench <source>.' : `Give one image to write; got ${positionals.length}: ${positionals.join(' ')}.`);
  const given = positionals[0]!;
  const local = !/^[a-z][a-z0-9+.-]+:/i.test(given);
  const provisioning = profileFromFlags(values);
  const table = tableFromFlags(values, provisioning);
  const request: BenchRequest = {
    // Absolute, so the drive rules can tell a card that holds the image.
    source: local ? path.resolve(given) : given,
    verify: true,
    board: values.board,
    ignoreBoard: values['ignore-board'] ?? false,
    provisioning,
    table: table?.input,
    insecureSkipSignature: values['insecure-skip-signature'] ?? false,
  };
  return { values, request, table };
}

const phaseWords: Record<BenchSlot['state'], string> = {
  waiting: 'waiting for a free writer', pending: 'starting', writing: 'writing', verifying: 'verifying', provisioning: 'first boot',
  done: 'verified', failed: 'FAILED', cancelled: 'cancelled', refused: 'not written',
};

const moving: ReadonlySet<BenchSlot['state']> = new Set(['writing', 'verifying', 'provisioning']);

/** A card's phase in words; a card taken out says whether it went out written. */
function phaseOf(slot: BenchSlot): string {
  const written = slot.state === 'done' || slot.error?.code === 'ALREADY_WRITTEN';
  if (slot.removedAt) return written ? 'taken out, written: fine' : 'taken out, NOT written';
  if (slot.state === 'waiting' && slot.waitingFor === 'rows') return 'no rows left';
  if (slot.error?.code === 'ALREADY_WRITTEN') return 'already written';
  // A card in its job says the step its figure is in (waiting for its first-boot turn is first boot, not verifying).
  return slot.figure && moving.has(slot.state) ? cardStepWords[slot.figure.step].toLowerCase() : phaseWords[slot.state];
}

/** The card's one figure over its whole write, as its job reports it (shared/domain/flash-figures.ts). */
function percentOf(slot: BenchSlot): number | null {
  if (slot.state === 'done') return 100;
  if (slot.state === 'waiting' || slot.state === 'refused' || slot.state === 'failed' || slot.state === 'cancelled') return null;
  return slot.figure?.percent ?? null;
}

/** A card's line: what changed for it (its phase, every tenth percent, its result). */
function cardLine(slot: BenchSlot): { key: string; line: string; fields: Record<string, unknown> } {
  const pct = percentOf(slot);
  const phase = phaseOf(slot);
  const step = pct === null ? '' : String(Math.floor(pct / 10));
  const reason = slot.error ? `: ${slot.error.message}${hintOf(slot.error) ? ` ${hintOf(slot.error)}` : ''}` : '';
  // Only the exception, as on the station's tile: a card written with its old contents still in its free space.
  const kept = slot.state === 'done' && slot.oldData?.discarded === false ? slot.oldData : null;
  // A card written while its image downloads shows both pipes, as flash's progress line does.
  const download = slot.download && moving.has(slot.state) ? slot.download : null;
  const pipe = download ? `  (${downloadPaceWords(download)})` : '';
  const line = [slot.device.padEnd(12), (slot.hostname ?? '-').padEnd(16), phase.padEnd(26), pct === null ? '    ' : `${String(pct).padStart(3)}%`].join(' ').trimEnd() + pipe + reason + (kept ? ` ${oldDataWords(kept)}` : '');
  const fields = {
    device: slot.device, ...(slot.card ? { card: slot.card } : {}), ...(slot.hostname ? { hostname: slot.hostname } : {}), ...(slot.tableLine ? { tableRow: slot.tableRow, tableLine: slot.tableLine } : {}), state: slot.state,
    ...(slot.waitingFor ? { waitingFor: slot.waitingFor } : {}), ...(pct === null ? {} : { percent: pct }), ...(slot.error ? { error: slot.error } : {}), ...(slot.oldData ? { oldData: slot.oldData } : {}),
    ...(slot.removedAt ? { removedAt: slot.removedAt } : {}), ...(download ? { download } : {}),
  };
  return { key: `${slot.state}/${phase}/${slot.waitingFor ?? ''}/${step}/${slot.hostname ?? ''}/${kept?.reason ?? ''}/${slot.removedAt ?? ''}/${downloadStep(download)}`, line, fields };
}

/** A new line every tenth of the download, and when the pace's limit moves between the download and the card. */
function downloadStep(download: DownloadPace | null): string {
  if (!download) return '';
  return `${download.totalBytes ? Math.floor((download.bytes / download.totalBytes) * 10) : ''}${download.limitedBy}`;
}

function hintOf(error: { code: string; hint?: string }): string | undefined {
  return error.hint ?? (isErrorCode(error.code) ? errorCatalog[error.code].hint : undefined);
}

/** Prints each card's line when it changes; keeps each card's last state for the summary. */
function cardPrinter(io: CliIO) {
  const shown = new Map<string, string>();
  const outcomes = new Map<string, BenchSlot>();
  return {
    outcomes,
    show(status: BenchStatus) {
      for (const slot of status.slots) {
        const id = `${slot.device}#${slot.card ?? slot.description}`;
        const { key, line, fields } = cardLine(slot);
        if (shown.get(id) === key) continue;
        shown.set(id, key);
        if (slot.card) outcomes.set(`${slot.card}`, slot);
        io.say(line);
        io.emit({ type: 'card', ...fields });
      }
    },
  };
}

/**
 * A bench whose image downloads with its first card: how the download was verified is said once a
 * job has it in the cache, and a download that failed its checksum stops the bench, since every
 * next card would download the same bytes (that card has no partition table, and nothing was cached).
 */
function watchDownload(images: ImageService, io: CliIO, stop: (reason: ErrorInfo) => void) {
  let known = false;
  let saying = Promise.resolve();
  return {
    done(result: FlashResult) {
      const mismatch = [result.error, ...result.targets.map((t) => t.error)].find((e) => e?.code === 'CHECKSUM_MISMATCH');
      if (mismatch) {
        const message = `The download did not match its checksum: the card written as it arrived has no partition table, nothing was kept in the image cache, and the card bench stopped. ${mismatch.message}`;
        stop({ code: 'CHECKSUM_MISMATCH', message, hint: hintOf(mismatch) ?? errorCatalog.CHECKSUM_MISMATCH.hint });
      }
      if (known || !result.sourceSha256) return;
      const sha256 = result.sourceSha256;
      saying = saying.then(async () => {
        if (known) return;
        const entry = await reportDownloadVerification(images, sha256, io);
        if (entry) io.emit({ type: 'verification', sha256: entry.sha256, verification: entry.verification });
        known = Boolean(entry);
      });
    },
    said: () => saying,
  };
}

/**
 * The cards already in readers, said before the question: switching a session on confirms erasing
 * the cards inserted from then on, not these (a card just written by hand, a stick with files).
 */
async function cardsPresent(list: () => Promise<Drive[]>, include: boolean, io: CliIO): Promise<Drive[]> {
  const present = (await list()).filter((drive) => drive.isRemovable && !drive.isSystem);
  if (!present.length) return present;
  const count = present.length === 1 ? '1 card is' : `${present.length} cards are`;
  io.say(include
    ? `${count} already in readers and will be erased and written too (--include-present):`
    : `${count} already in readers: ${present.length === 1 ? 'it' : 'they'} will not be written. Take ${present.length === 1 ? 'it' : 'them'} out and put ${present.length === 1 ? 'it' : 'them'} back in to write ${present.length === 1 ? 'it' : 'them'}, or run with --include-present:`);
  for (const drive of present) io.say(`  ${describeTarget(drive)}`);
  io.emit({ type: 'present', include, cards: present.map((drive) => ({ device: drive.device, description: drive.description, size: drive.size })) });
  return present;
}

export const command: Command = {
  summary: 'The card bench: write every card inserted, one after another',
  async run(argv, io) {
    const { values, request, table } = parseRequest(argv);
    if (printHelpIfAsked(values, help, io) || !request) return EXIT_OK;
    const services = new CoreServices();
    const { configDir } = services.config;
    const expected = { insecureSkipSignature: request.insecureSkipSignature };
    // An image not cached yet is checked now as far as that needs no download; the first card is written while it downloads.
    const streamed = await checkRemoteSource(services.images, request.source, expected, io);
    const setUp = request.provisioning !== undefined || request.table !== undefined ? ' (and its first-boot setup)' : '';
    if (streamed) io.say(`${request.source} is not in the image cache yet${streamed.bytes ? ` (${formatSize(streamed.bytes)})` : ''}: the first card is written while it downloads, and its partition table${setUp} goes on once the download matched its checksum; the next cards read the cache.`);
    // A local image that cannot be written fails now, before the question; a cached one is said as it was verified.
    else if (!(await prepareRemoteSource(services.images, request.source, expected, io))) await inspectSource(request.source);
    // Bad profile or table input is refused before the question, naming the field or the line.
    const preview = request.provisioning !== undefined || request.table !== undefined ? await previewBatch(request, 1, configDir) : null;
    const profile = request.provisioning as Profile | undefined;
    warnStaticIp(io, profile, table, values.table);
    const counterStart = counterStartFromFlags(values);
    if (counterStart !== undefined && profile?.hostname) await new SeriesStore(configDir).set(profile.hostname, counterStart);
    const first = preview?.cards[0];
    if (first?.hostname) io.say(`The next card is named ${first.hostname}${first.tableLine ? `, from ${tableRowWords({ row: first.tableRow, line: first.tableLine })} of the table` : ''}.`);
    sayEmptyRows(request, io);
    if (preview?.rowsLeft !== undefined) io.say(`The table has ${preview.rowsLeft} unused row${preview.rowsLeft === 1 ? '' : 's'}.`);
    const listAll = driveListerFor(services.config);
    const present = await cardsPresent(() => listDrives({ all: false }, listAll), values['include-present'] ?? false, io);
    if (!values.yes) await confirmSessionErase(imageLabel(request.source), { input: io.stdin, output: process.stderr }, values['include-present'] ? present : []);
    if (values['include-present']) request.includePresent = present.map((drive) => ({ device: drive.device, identity: cardIdentity(drive) }));

    const events = services.events;
    const bench = new BenchWriter({
      events,
      list: () => listDrives({ all: false }, listAll),
      // The terminal's person may name any file they can read: no client grants here.
      startFlash: async (flash: FlashRequest) => {
        const job = services.flash(flash, localFileResolver);
        job.onProgress((progress) => events.emit('flash:progress', progress));
        void job.result.then((result) => events.emit('flash:done', result));
        return { jobId: job.id };
      },
      countTable: (asked) => countTableRows(asked, configDir),
    });
    const printer = cardPrinter(io);
    let stopped: ErrorInfo | undefined;
    let end: () => void = () => {};
    const ended = new Promise<void>((resolve) => (end = resolve));
    const download = streamed ? watchDownload(services.images, io, (reason) => {
      stopped ??= reason;
      end();
    }) : null;
    const off = events.subscribe((...[event, payload]) => {
      if (event === 'flash:done') download?.done(payload);
      if (event !== 'bench:changed') return;
      printer.show(payload);
      if (payload.session?.stopped) {
        const { code, message, hint } = payload.session.stopped;
        stopped = { code: isErrorCode(code) ? code : 'STATE_NOT_SAVED', message, ...(hint ? { hint } : {}) };
        end();
      }
    });
    let interrupts = 0;
    const interrupt = () => {
      interrupts += 1;
      if (interrupts > 1) {
        io.warn('Quitting now: the cards being written are incomplete.');
        process.exit(130);
      }
      io.warn('Switching the card bench off: no new card is taken; the cards being written are finished. (Ctrl-C again quits at once.)');
      end();
    };
    process.on('SIGINT', interrupt);
    // On a terminal Ctrl-C is read as a key, not sent as a signal to the whole process group: the
    // writers and decoders of the cards being written must not be interrupted with the session.
    const keys = io.stdin as NodeJS.ReadStream;
    const onKey = (key: Buffer) => {
      if (key.includes(3)) interrupt();
    };
    if (keys.isTTY) {
      keys.setRawMode(true);
      keys.on('data', onKey);
      keys.resume();
    }
    // The session's look at the readers does not hold a process open on its own: this one runs until Ctrl-C.
    const alive = setInterval(() => undefined, 60_000);
    try {
      const started = await bench.start(request);
      io.say(`Card bench on (batch ${started.session?.id ?? ''}): insert cards; Ctrl-C switches it off.`);
      io.emit({ type: 'session', ...started.session });
      await ended;
      const last = bench.stop();
      await bench.whenIdle();
      await download?.said();
      const session = bench.status().session ?? last.session;
      const cards = [...printer.outcomes.values()].sort((a, b) => (a.card ?? 0) - (b.card ?? 0));
      const failed = cards.filter((c) => c.state !== 'done').length;
      const done = cards.length - failed;
      io.say(`Card bench off: ${done} card${done === 1 ? '' : 's'} written and verified${failed ? `, ${failed} not` : ''}${session?.table ? `; device table: ${session.table.used} of ${session.table.rows} rows done` : ''}.`);
      const ok = failed === 0 && !stopped;
      io.result(ok, { session, cards: cards.map((c) => cardLine(c).fields) }, stopped ?? (failed ? { code: 'WRITE_FAILED', message: `${failed} card${failed === 1 ? '' : 's'} of the card bench failed.` } : undefined));
      return ok ? EXIT_OK : EXIT_FAILURE;
    } finally {
      if (keys.isTTY) {
        keys.off('data', onKey);
        keys.setRawMode(false);
        keys.pause();
      }
      clearInterval(alive);
      off();
      process.removeListener('SIGINT', interrupt);
    }
  },
};
