/**
 * A flash job as the app, the station and the CLI see it: `startFlash(request)` checks everything
 * it can before writing, starts the writer process, turns its lines into FlashProgress events and
 * its last line into the FlashResult. The result promise always resolves (ok or not, with each
 * target's error); it never rejects.
 */
import { randomUUID } from 'node:crypto';
import type { CardIdentity, Drive } from '../../../shared/domain/drive';
import { cardIdentity } from '../drives/device-identity';
import { checkSameCards } from '../drives/same-card';
import { flashRequestSchema, phaseCountsCards, type CardFigure, type DownloadPace, type FlashProgress, type FlashRequest, type FlashResult, type TargetState } from '../../../shared/domain/flash';
import type { SourceTrust } from '../../../shared/domain/images';
import type { OnCardReport } from '../../../shared/domain/on-card';
import { FiotError, toErrorInfo } from '../../../shared/errors';
import type { TargetPlan } from '../provision/plan-flash';
import type { CheckinIssuer } from '../checkin/checkin-service';
import type { WriterJob, WriterMessage, WriterResultMessage } from '../../../shared/writer-protocol';
import { processFlashLocks, type FlashLocks } from './flash-locks';
import { boardMedium, preflight, type PreflightDeps } from './preflight';
import { sha256File } from '../images/verify/sha256';
import { refuseMounted } from '../drives/check-targets';
import type { SourceInfo } from '../image-source';
import { ProgressMeter } from '../../../shared/progress-meter';
import { progressFigures } from '../../../shared/domain/flash-figures';
import { spawnWriter, type WriterHandle } from './writer-client';
import { writerAccess, type WriterAccessDeps } from './writer-access';
import { openCacheCopy, settleCacheCopy } from './cache-copy';
import { streamDownload, type StreamedDownload } from './streamed-download';
import { asCancelled } from './person-cancel';
import { mediumWords } from '../../../shared/domain/medium-words';
import { boardFitOfDownload, checkBoardFit } from '../image-arch';

/** How to write anyway when the image does not fit the board, for whichever front end started the job. */
const IGNORE_BOARD_WORDS = 'fiot-flash flash --ignore-board, or “Write it anyway” under the chosen image in the app';

type ParsedFlashRequest = ReturnType<typeof flashRequestSchema.parse>;


/**
 * One target's provisioning: the plan the writer hands the injector, and what the result and
 * history say about it (the provision domain's plan; a caller's own planner may leave out `{n}`).
 */
export type TargetProvisioning = Omit<TargetPlan, 'n'> & { n?: number };

/** A run's provisioning: per-target plans, and `settle`, told how the cards came out (table rows are marked used). */
export interface RunProvisioning {
  targets: TargetProvisioning[];
  settle(result: FlashResult): Promise<void>;
  /** What the image must offer the plans, for the writer to check when the image was not there to check beforehand. */
  imageNeeds?: NonNullable<WriterJob['imageChecks']>['provisioning'];
}

export interface FlashDeps extends PreflightDeps, WriterAccessDeps {
  /**
   * Builds each target's provisioning plan from the request and checks the source image for it,
   * before anything is written; `source` is undefined for an image still to download, whose check
   * the writer makes against `imageNeeds`. Default: electron/core/provision's planFlashProvisioning.
   */
  planProvisioning?: (request: ParsedFlashRequest, drives: Drive[], source: SourceInfo | undefined, context: PlanContext) => Promise<RunProvisioning>;
  /** Where the cards of a run that asks for check-in report; without it such a run is refused. */
  checkins?: CheckinIssuer;
  /** The config folder holding hostname series and device-table state; without it nothing is kept between runs. */
  configDir?: string;
  /**
   * Called once with every finished job, ok or not, before `result` resolves (so a CLI that exits
   * right after still has it recorded): the flash history hooks in here for every front end.
   * `drives` is empty when the job stopped before its targets were resolved.
   */
  onFinished?: (finished: FinishedFlash) => Promise<void>;
  /** The job cap and per-target locks; default: the ones every front end in this process shares. */
  locks?: FlashLocks;
  /**
   * Runs the on-card command for each card once the job is done (electron/core/hooks/on-card.ts),
   * after the history has it; its reports become the result's `onCard`.
   */
  afterCards?: (finished: FinishedFlash) => Promise<OnCardReport[]>;
}

export interface FinishedFlash {
  result: FlashResult;
  request: FlashRequest;
  drives: Drive[];
}

interface PlanContext {
  jobId: string;
  configDir?: string;
  checkins?: CheckinIssuer;
}

/** Loaded only for runs that provision, so a plain flash never loads the ext4 WebAssembly module. */
async function planWithProvisionDomain(request: ParsedFlashRequest, drives: Drive[], source: SourceInfo | undefined, context: PlanContext): Promise<RunProvisioning> {
  const { planFlashProvisioning } = await import('../provision/plan-flash');
  return planFlashProvisioning(request, drives, source, context);
}

function cardValues(target: TargetProvisioning | undefined): Partial<FlashResult['targets'][number]> {
  if (!target) return {};
  const { hostname, n, tableRow, tableLine, label, ip, configSha256 } = target;
  return { ...(hostname ? { hostname } : {}), ...(n === undefined ? {} : { n }), ...(tableRow ? { tableRow } : {}), ...(tableLine ? { tableLine } : {}), ...(label ? { label } : {}), ...(ip ? { ip } : {}), ...(configSha256 ? { configSha256 } : {}) };
}

function cardName(target: TargetProvisioning | undefined): Pick<TargetState, 'hostname' | 'tableRow' | 'tableLine'> {
  return { ...(target?.hostname ? { hostname: target.hostname } : {}), ...(target?.tableRow ? { tableRow: target.tableRow } : {}), ...(target?.tableLine ? { tableLine: target.tableLine } : {}) };
}

export interface FlashJob {
  id: string;
  /** Subscribes to progress; returns the unsubscribe. */
  onProgress(listener: (progress: FlashProgress) => void): () => void;
  result: Promise<FlashResult>;
  /** Stops the job as soon as possible; the result then reports CANCELLED. */
  cancel(): void;
}

/**
 * Throws TOO_MANY_JOBS at once when the cap is reached, and SESSION_CARD for a card a bench session
 * claimed (unless this is that session's job); every other failure arrives in `result`.
 */
export function startFlash(input: FlashRequest, deps: FlashDeps = {}): FlashJob {
  const locks = deps.locks ?? processFlashLocks;
  locks.refuseClaimed(input.targets, input.session?.id);
  const leaveJob = locks.enterJob();
  let unlockTargets = () => {};
  const id = randomUUID();
  const startedAt = Date.now();
  const listeners = new Set<(progress: FlashProgress) => void>();
  const abort = new AbortController();
  const meter = new ProgressMeter();
  const downloadMeter = new ProgressMeter();
  const readMeter = new ProgressMeter();
  let writer: WriterHandle | null = null;
  let streamed: StreamedDownload | null = null;
  let targets: TargetState[] = input.targets.map((device) => ({ device, state: 'pending', bytesWritten: 0 }));
  let provisioning: TargetProvisioning[] = [];
  let drives: Drive[] = [];
  let identities: CardIdentity[] = [];
  let notSaved: FiotError | undefined;

  // The figures of the last report: each card's figure only goes forward.
  let figures: CardFigure[] = [];
  function emit(phase: FlashProgress['phase'], bytes: number, totalBytes: number | null, pace?: DownloadPace): void {
    const { speed: sampledSpeed, etaSeconds: writeEta } = meter.sample(bytes, totalBytes, phase);
    // `speed` is bytes per second: a step that counts cards has none (its time left stands).
    const speed = phaseCountsCards(phase) ? 0 : sampledSpeed;
    const measured = pace ? downloadMeter.sample(pace.bytes, pace.totalBytes) : null;
    const download = pace && measured ? { ...pace, speed: measured.speed } : undefined;
    const etaSeconds = download && measured ? streamedEta(phase, download, measured.etaSeconds) ?? writeEta : writeEta;
    const computed = progressFigures({ phase, bytes, totalBytes, verify: input.verify !== false, targets, ...(download ? { download } : {}) }, figures);
    figures = computed.cards;
    // Each card's name and row travel with its progress once they are taken, so a slot can show them while it is written.
    const named = targets.map((target, i) => ({ ...target, ...cardName(provisioning[i]), figure: computed.cards[i]! }));
    const progress: FlashProgress = { jobId: id, phase, bytes, totalBytes, speed, etaSeconds, percent: computed.percent, targets: named, ...(download ? { download } : {}) };
    for (const listener of listeners) listener(progress);
  }

  /**
   * The writing step's time left while it streams from a download: what the slower pipe still needs.
   * The image's own position skips free space, so its speed and time left say little; the bytes
   * the writer still has to read from the download do, at the pace it reads them (the download's
   * when the cards wait for it), and never less than the download still needs to arrive.
   */
  function streamedEta(phase: FlashProgress['phase'], download: DownloadPace, downloadEta: number | null): number | null {
    if (phase !== 'decompressing' && phase !== 'writing') return null;
    if (download.read === undefined || download.totalBytes === null) return downloadEta;
    const readEta = readMeter.sample(download.read, download.totalBytes).etaSeconds;
    return readEta !== null && downloadEta !== null ? Math.max(readEta, downloadEta) : readEta ?? downloadEta;
  }

  /**
   * The batch record names the image by its hash. When nobody checked it yet it is read once the
   * writer has stopped decoding: while the writer decodes, both cores are busy and a hash of the
   * source would slow the write; during read-back they are mostly idle.
   */
  let unhashedSource: string | null = null;
  let sourceHash: Promise<string | undefined> | undefined;
  function hashSource(): Promise<string | undefined> {
    sourceHash ??= unhashedSource ? sha256File(unhashedSource, abort.signal).catch(() => undefined) : Promise.resolve(undefined);
    return sourceHash;
  }

  function onWriterMessage(message: WriterMessage): void {
    if (message.type !== 'progress') return;
    targets = message.targets;
    if (unhashedSource && message.phase !== 'decompressing' && message.phase !== 'writing') void hashSource();
    emit(message.phase, message.bytes, message.totalBytes, message.download);
  }

  function failed(error: FiotError): FlashResult {
    const state = error.code === 'CANCELLED' ? 'cancelled' : 'failed';
    return {
      jobId: id,
      ok: false,
      source: input.source,
      imageSize: 0,
      targets: targets.map((t, i) => ({ ...t, state: t.state === 'done' ? t.state : state, error: t.error ?? error.toInfo(), verified: false, ...(identities[i] ? { identity: identities[i] } : {}) })),
      durationMs: Date.now() - startedAt,
      error: error.toInfo(),
    };
  }

  function fromWriter(result: WriterResultMessage, sourceSha256: string | undefined, sourceTrust: SourceTrust | undefined): FlashResult {
    return {
      jobId: id,
      ok: result.ok,
      source: input.source,
      imageSize: result.imageSize,
      ...(sourceSha256 ? { sourceSha256 } : {}),
      ...(sourceTrust ? { sourceTrust } : {}),
      targets: result.targets.map((t, i) => ({
        device: t.device,
        state: t.state,
        bytesWritten: t.bytesWritten,
        verified: t.verified,
        ...(t.error ? { error: t.error } : {}),
        ...(t.writtenSha256 ? { writtenSha256: t.writtenSha256 } : {}),
        ...(t.oldData ? { oldData: t.oldData } : {}),
        ...cardValues(provisioning[i]),
        ...(identities[i] ? { identity: identities[i] } : {}),
      })),
      durationMs: Date.now() - startedAt,
      ...(result.error ? { error: result.error } : {}),
      writtenBytes: result.writtenBytes,
      writerPeakMemoryBytes: result.maxRssBytes,
      decoder: result.decoder,
      ...(result.xzBlocks ? { xzBlocks: result.xzBlocks } : {}),
    };
  }

  async function run(): Promise<FlashResult> {
    const parsed = flashRequestSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new FiotError('INVALID_INPUT', `Flash request: ${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`);
    }
    const request = parsed.data;
    emit('preparing', 0, null);
    // An image not cached yet is always written while it downloads; what must read it is checked by the writer then.
    const checked = await preflight({ ...request, whileDownloading: true }, deps, abort.signal);
    const pending = checked.prepared.download;
    if (!request.unmountConfirmed) refuseMounted(checked.drives);
    unlockTargets = locks.lockTargets(checked.drives, request.session?.id);
    drives = checked.drives;
    identities = drives.map(cardIdentity);
    checkSameCards(request.expectedCards ?? [], drives);
    targets = checked.drives.map((drive) => ({ device: drive.device, state: 'pending', bytesWritten: 0 }));
    const boardCheck = request.board && !request.ignoreBoard ? { ref: request.source, boardId: request.board, overrideWords: IGNORE_BOARD_WORDS } : null;
    const boardLater = boardCheck && pending ? boardFitOfDownload(boardCheck) : null;
    if (boardCheck && !pending) await checkBoardFit({ ...boardCheck, source: checked.source });
    if (abort.signal.aborted) throw new FiotError('CANCELLED', 'The flash was cancelled before writing started.', 'Nothing was written.');
    // Series numbers and table rows are taken here, once a card may carry them;
    // the drives are opened (a polkit prompt) after that, so no descriptor is left open by a refused plan.
    let run: RunProvisioning | undefined;
    if (request.provisioning !== undefined || request.table !== undefined || request.checkin !== undefined) {
      run = await (deps.planProvisioning ?? planWithProvisionDomain)(request, checked.drives, pending ? undefined : checked.source, { jobId: id, configDir: deps.configDir, ...(deps.checkins ? { checkins: deps.checkins } : {}) });
      provisioning = run.targets;
    }
    const access = await writerAccess(checked.drives, deps);
    // Inherited descriptors follow stdin, stdout and stderr: the writer's fd 3 is the first.
    const inherited = [...access.descriptors];
    const descriptorOf = (device: string) => {
      const index = inherited.findIndex(([opened]) => opened === device);
      return index < 0 ? {} : { descriptor: 3 + index };
    };
    const imageChecks = { ...(run?.imageNeeds && pending ? { provisioning: run.imageNeeds } : {}), ...(boardLater ? { board: boardLater } : {}) };
    const job: WriterJob = {
      source: checked.source.path,
      targets: checked.drives.map((drive, i) => ({ device: drive.device, ...descriptorOf(drive.device), ...(provisioning[i] ? { provisioning: provisioning[i].plan } : {}) })),
      verify: request.verify,
      ...(request.unmountConfirmed ? { unmountConfirmed: true } : {}),
      ...(request.discard ? {} : { discard: false }),
      ...(checked.prepared.dataRanges ? { dataRanges: checked.prepared.dataRanges } : {}),
      ...(checked.prepared.writtenSha256 ? { expectedWrittenSha256: checked.prepared.writtenSha256 } : {}),
      ...(pending ? { download: { format: pending.format, imageSize: pending.imageSize, ...(pending.xzIndex ? { xzIndex: pending.xzIndex } : {}) } } : {}),
      ...(Object.keys(imageChecks).length ? { imageChecks } : {}),
    };
    // A download is hashed as it is verified: the `.part` is not read again.
    if (!checked.sourceSha256 && !pending) unhashedSource = checked.source.path;
    // Opened last, right before the writer inherits it (after the drives), so nothing between can leave it open.
    const copy = await openCacheCopy(checked.prepared, access.command, request.verify);
    if (copy) job.cacheCopy = { descriptor: 3 + inherited.length, maxBytes: copy.maxBytes };
    writer = spawnWriter(job, access.command, onWriterMessage, [...inherited.map(([, fd]) => fd), ...(copy ? [copy.fd] : [])]);
    streamed = pending ? streamDownload(pending, writer, abort.signal) : null;
    const written = await writer.result.catch(async (error: unknown) => {
      await copy?.offer.discard();
      throw error;
    }).finally(() => streamed?.stop());
    // The download is kept in the cache before the copy joins its entry.
    const downloaded = await streamed?.settled;
    const sourceSha256 = downloaded?.sha256 ?? checked.sourceSha256 ?? (await hashSource());
    const kept = await settleCacheCopy(copy, written, sourceSha256);
    const imageCache = kept ? 'kept' : checked.prepared.fromCache ? 'read' : undefined;
    const result: FlashResult = { ...fromWriter(written, sourceSha256, checked.prepared.trust ?? downloaded?.trust), ...(imageCache ? { imageCache } : {}) };
    // A damaged cached copy must not be offered again: the next flash fetches the image afresh.
    if (result.error?.code === 'CACHE_CORRUPT') await checked.prepared.discard?.();
    // Marking table rows used must not turn written cards into a failed job: the result says so instead.
    await run?.settle(result).catch((error: unknown) => {
      notSaved = new FiotError('STATE_NOT_SAVED', `The device table's used rows could not be saved (${toErrorInfo(error).message}): the next card could get a row already written.`);
    });
    targets = result.targets;
    emit('done', result.imageSize, result.imageSize);
    return result;
  }

  /** Cards written to the end are awaited from now on; the others' tokens are dropped. */
  async function awaitCheckins(finished: FlashResult): Promise<void> {
    if (!input.checkin || !deps.checkins) return;
    const cards = finished.targets.map((target, i) => ({
      card: input.session?.cards[i] ?? i + 1, device: target.device, written: target.state === 'done' && !target.error,
      ...(target.hostname ? { hostname: target.hostname } : {}), ...(provisioning[i]?.user ? { user: provisioning[i].user } : {}),
    }));
    await deps.checkins.settle(id, cards);
  }

  /** After a person's own cancel, every card it stopped says so in one voice, with what the download left. */
  async function sayCancel(finished: FlashResult): Promise<FlashResult> {
    // Before the writer started nothing was written: that cancel's own words stand.
    if (!abort.signal.aborted || !writer || finished.targets.every((t) => t.state === 'done')) return finished;
    const left = (await streamed?.left) ?? null;
    return asCancelled(finished, boardMedium(input.board) ?? mediumWords(null), left);
  }

  // Started on the next tick, so a caller subscribes to progress before the first event.
  const result = Promise.resolve()
    .then(run)
    .catch((error: unknown) => failed(error instanceof FiotError ? error : new FiotError('INTERNAL', toErrorInfo(error).message)))
    .then(sayCancel)
    .then(async (finished) => {
      unlockTargets();
      leaveJob();
      await awaitCheckins(finished).catch((error: unknown) => process.emitWarning(`Check-ins could not be awaited: ${toErrorInfo(error).message}`));
      // The result promise never rejects: a failing hook must not hide how the cards came out, and its failure is said in the result.
      await deps.onFinished?.({ result: finished, request: input, drives }).catch((error: unknown) => {
        notSaved ??= error instanceof FiotError ? error : new FiotError('STATE_NOT_SAVED', toErrorInfo(error).message);
      });
      if (notSaved) process.emitWarning(notSaved.message);
      const saved = notSaved ? { ...finished, notSaved: notSaved.toInfo() } : finished;
      if (!deps.afterCards) return saved;
      const onCard = await deps.afterCards({ result: saved, request: input, drives }).catch((error: unknown): OnCardReport[] => [
        { device: '', ok: false, exitCode: null, message: `The on-card command was not run: ${toErrorInfo(error).message}` },
      ]);
      return onCard.length ? { ...saved, onCard } : saved;
    });

  return {
    id,
    onProgress(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    result,
    cancel() {
      abort.abort();
      writer?.cancel();
    },
  };
}
