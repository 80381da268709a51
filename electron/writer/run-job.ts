/**
 * One writer job, start to end: re-check and open the targets, stream the image to all of them
 * (holding back the partition tables), verify every written range from the medium, provision each
 * card, then write and verify the partition tables last. Any failure leaves no partition table on
 * the card (both ends zeroed before writing; tables that fail their read-back are zeroed again),
 * so an incomplete card never looks like a good one.
 */
import { readFileSync } from 'node:fs';
import { FiotError, toErrorInfo } from '../../shared/errors';
import { clearCardTables, wipeWrittenTables } from './held-tables';
import { decoderProblem, inspectSource, openDownloadImage, openImage, pendingDownloadInfo, type DownloadFeed, type ImageSource, type SourceInfo } from '../core/image-source';
import { checkWrittenDigest } from './expected-digest';
import { checkWrittenImage, StreamedImageChecks } from './image-checks';
import { CacheCopy } from './cache-copy';
import { prepareTargets } from './prepare-targets';
import { ProgressReporter } from './progress-reporter';
import type { CacheCopyReport, WriterJob, WriterMessage, WriterResultMessage } from '../../shared/writer-protocol';
import { provisioningOverlay, type ProvisioningInjector } from './provision-seam';
import { mergeRanges, totalLength } from '../core/image-source/ranges';
import { failSlot, forEachLive, isLive, createSlot, slotResult, type TargetSlot } from './slots';
import type { TargetIO } from './target-io';
import { verifyAgainst, verifyHashed } from './verify';
import { HEAD_BYTES, writeChunks, type HeldHead, type StreamOutcome } from './write-stream';

export interface RunDeps {
  emit(message: WriterMessage): void;
  signal: AbortSignal;
  inject: ProvisioningInjector;
  /** Started by pkexec through the installed launcher: drives only, never a file. */
  elevated?: boolean;
  /**
   * Test seam, for callers that run the job in their own process (the writer process never sets
   * it): awaited before each read-back of a target, so a test can change the card underneath.
   */
  beforeReadBack?: (what: ReadBackPoint) => Promise<void>;
  /** The core's word on a download the job is written from while it happens (`job.download`). */
  download?: DownloadFeed;
}

export interface ReadBackPoint {
  device: string;
  /** The streamed body, the provisioning changes, or the partition tables written last. */
  part: 'body' | 'provisioning' | 'tables';
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new FiotError('CANCELLED', 'The write was cancelled.');
}


export async function runJob(job: WriterJob, deps: RunDeps): Promise<WriterResultMessage> {
  const { signal } = deps;
  const slots = job.targets.map((t) => createSlot(t.device, t.provisioning, t.descriptor));
  const feed = job.download ? deps.download : undefined;
  const progress = new ProgressReporter(deps.emit, slots, feed && (() => feed.pace()));
  if (feed) feed.onChange = () => progress.send(false);
  let reader: ImageSource | null = null;
  let source: SourceInfo | null = null;
  let outcome: StreamOutcome | null = null;
  let jobError: FiotError | undefined;
  const copy = CacheCopy.open(job.cacheCopy, deps.elevated ?? false);
  let copied: CacheCopyReport | null = null;
  try {
    if (job.download && !feed) throw new FiotError('INTERNAL', 'A job written while its image downloads needs the download\'s progress.');
    source = job.download ? pendingDownloadInfo(job.source, job.download) : await inspectSource(job.source);
    const problem = decoderProblem(source);
    if (problem) throw problem;
    await prepareTargets(slots, source, deps.elevated, job.unmountConfirmed ?? false, job.discard !== false, signal);
    throwIfCancelled(signal);
    if (!slots.some(isLive)) throw slots[0]?.error ?? new FiotError('INTERNAL', 'No target could be opened.');
    reader = feed ? await openDownloadImage(source, feed, signal, job.download?.xzIndex) : await openImage(source, job.dataRanges);
    // The card's old tables are gone while it is written, even a backup at the end of a larger card.
    await forEachLive(slots, (slot) => clearCardTables(slot.io, HEAD_BYTES));
    for (const slot of slots.filter(isLive)) slot.state = 'writing';
    progress.enter(source.format === 'raw' ? 'writing' : 'decompressing', source.size);
    const decoded = reader.decoded;
    const early = job.imageChecks ? new StreamedImageChecks(job.imageChecks, source.size) : null;
    outcome = await writeChunks(early ? early.watch(reader.chunks) : reader.chunks, reader.map, slots, { signal, onChunk: (bytes) => progress.at(bytes), copy }).catch(async (error: unknown) => {
      // A decoder's stream error says little; the decoder's own verdict (SOURCE_CORRUPT) says what happened.
      if (!(error instanceof FiotError) && decoded) await decoded.finished;
      throw error;
    });
    throwIfCancelled(signal);
    if (!slots.some(isLive)) throw slots.find((s) => s.error)?.error ?? new FiotError('WRITE_FAILED', 'Every target failed.');
    await reader.end(outcome.imageBytes);
    checkWrittenDigest(job.expectedWrittenSha256, outcome, job.source);
    const imageSize = source.size ?? outcome.imageBytes;
    copied = (await copy?.finish(outcome, imageSize)) ?? null;
    await forEachLive(slots, async (slot) => {
      await slot.io.setFileLength(imageSize);
      await slot.io.flush();
    });
    if (early) await checkWrittenImage(early.remaining(), slots, outcome.head, imageSize, feed, signal);
    await finishTargets(job, { ...deps, download: feed }, slots, progress, outcome, imageSize);
  } catch (error) {
    // A damaged download shows first as a decoding error: the checksum's verdict on it says what happened.
    if (feed && !signal.aborted && (!(error instanceof FiotError) || error.code === 'SOURCE_CORRUPT')) await feed.verified(signal).catch(() => undefined);
    // A failed download stops the job from the outside: its reason, not the stop it caused, is the job's.
    const cause = feed?.failure ?? error;
    jobError = cause instanceof FiotError ? cause : new FiotError('INTERNAL', toErrorInfo(cause).message);
    for (const slot of slots) if (slot.state !== 'failed' && slot.state !== 'done') failSlot(slot, jobError);
  } finally {
    reader?.close();
    await Promise.all([...slots.map((slot) => slot.io?.close()), copy?.close()]);
  }
  const ok = slots.every((slot) => slot.state === 'done');
  progress.send(true);
  return {
    type: 'result',
    ok,
    imageSize: source?.size ?? outcome?.imageBytes ?? 0,
    writtenBytes: outcome ? totalLength(outcome.body) + totalLength(outcome.head.ranges) + totalLength(outcome.head.backup?.ranges ?? []) : 0,
    decoder: reader?.decoder ?? 'none',
    ...(reader?.xzBlocks ? { xzBlocks: reader.xzBlocks } : {}),
    ...(jobError ? { error: jobError.toInfo() } : {}),
    ...(ok && copied ? { cacheCopy: copied } : {}),
    targets: slots.map((slot) => slotResult(slot, outcome?.writtenSha256)),
    maxRssBytes: peakMemoryBytes(),
  };
}

/**
 * The writer's own peak resident memory. Linux carries ru_maxrss across exec, and a spawned child
 * shares its parent's memory until it execs: getrusage then reported an in-process caller's
 * 400 MB as the writer's. VmHWM belongs to this process's memory alone.
 */
function peakMemoryBytes(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {
    // Not Linux: the portable figure.
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Verify the body, provision, then write and verify the held-back head: per target, in that order. */
async function finishTargets(job: WriterJob, deps: RunDeps, slots: TargetSlot[], progress: ProgressReporter, outcome: StreamOutcome, imageSize: number): Promise<void> {
  const { signal } = deps;
  if (job.verify) {
    // The head is still only in memory: its bytes open the digest, the card's body bytes follow.
    const heldBytes = outcome.head.ranges.map((r) => outcome.head.data.subarray(r.offset, r.offset + r.length));
    // The held backup GPT header is part of the digest, in image order: read from memory, compared when written.
    const bodyAndBackup = mergeRanges([...outcome.body, ...(outcome.head.backup?.ranges ?? [])]);
    const live = slots.filter(isLive);
    const perCard = totalLength(bodyAndBackup);
    for (const slot of live) {
      slot.state = 'verifying';
      slot.readBack = { bytes: 0, totalBytes: perCard };
    }
    progress.enter('verifying', perCard * live.length);
    await forEachLive(slots, async (slot) => {
      await deps.beforeReadBack?.({ device: slot.device, part: 'body' });
      const readBack = slot.readBack!;
      await verifyHashed(slot.io, bodyAndBackup, outcome.writtenDigest, signal, (n) => {
        readBack.bytes += n;
        progress.add(n);
      }, heldBytes, outcome.head.backup);
    });
    throwIfCancelled(signal);
  }
  // A download's cards are provisioned, and get their tables, only once its sha256 matched: a
  // mismatch leaves every card without a table, and without the secrets a config may carry.
  await deps.download?.verified(signal);
  const toProvision = slots.filter((slot) => isLive(slot) && slot.provisioning !== undefined);
  if (toProvision.length > 0) progress.enter('provisioning', toProvision.length);
  for (const slot of toProvision) {
    if (!isLive(slot) || !slot.provisioning) continue;
    try {
      slot.state = 'provisioning';
      const overlay = provisioningOverlay(slot.io, outcome.head, slot.io.size ?? imageSize);
      const { changed } = await deps.inject(overlay, slot.provisioning);
      await slot.io.flush();
      await deps.beforeReadBack?.({ device: slot.device, part: 'provisioning' });
      await overlay.verify(signal);
      slot.provisioned = changed;
      slot.firstBoot = 'done';
    } catch (error) {
      failSlot(slot, error);
    }
    progress.add(1);
    throwIfCancelled(signal);
  }
  await forEachLive(slots, async (slot) => {
    slot.state = 'writing';
    const written = await writeTables(slot.io, outcome.head, imageSize);
    if (job.verify) {
      slot.state = 'verifying';
      await deps.beforeReadBack?.({ device: slot.device, part: 'tables' });
      await verifyTables(slot.io, outcome.head, imageSize, signal).catch(async (error: unknown) => {
        await wipeWrittenTables(slot.io, HEAD_BYTES, outcome.head.backup).catch(() => undefined);
        throw error;
      });
    }
    slot.bytesWritten += written;
    slot.verified = job.verify;
    slot.state = 'done';
  });
}

/** The backup GPT header, then the head: the card becomes a disk only with its last write. Returns the bytes written. */
async function writeTables(io: TargetIO, head: HeldHead, imageSize: number): Promise<number> {
  const backup = head.backup;
  for (const range of backup?.ranges ?? []) {
    await io.write(backup!.data.subarray(range.offset - backup!.offset, range.offset - backup!.offset + range.length), range.offset);
  }
  const headLength = Math.min(HEAD_BYTES, imageSize);
  await io.write(head.data.subarray(0, headLength), 0);
  await io.flush();
  return headLength + totalLength(backup?.ranges ?? []);
}

async function verifyTables(io: TargetIO, head: HeldHead, imageSize: number, signal: AbortSignal): Promise<void> {
  const backup = head.backup;
  if (backup) await verifyAgainst(io, backup.ranges, (piece) => backup.data.subarray(piece.offset - backup.offset, piece.offset - backup.offset + piece.length), signal);
  await verifyAgainst(io, [{ offset: 0, length: Math.min(HEAD_BYTES, imageSize) }], (piece) => head.data.subarray(piece.offset, piece.offset + piece.length), signal);
}
