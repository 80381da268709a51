/**
 * One writer job, start to end: re-check and open the targets, stream the image to all of them
 * (holding back the partition table), verify every written range from the medium, provision each
 * card, then write and verify the partition table last. Any failure leaves the head unwritten (and
 * zeroed), so an incomplete card never looks like a good one.
 */
import { readFileSync } from 'node:fs';
import { FiotError, toErrorInfo } from '../../shared/errors';
import { decoderProblem, inspectSource, type SourceInfo } from '../core/flash/source';
import { checkWrittenDigest } from './expected-digest';
import { checkDecoded, openImage, type ImageReader } from './open-image';
import { prepareTargets } from './prepare-targets';
import { ProgressReporter } from './progress-reporter';
import type { WriterJob, WriterMessage, WriterResultMessage } from './protocol';
import { provisioningOverlay, type ProvisioningInjector } from './provision-seam';
import { totalLength } from './ranges';
import { failSlot, forEachLive, isLive, createSlot, slotResult, type TargetSlot } from './slots';
import { alignedBuffer, type TargetIO } from './target-io';
import { verifyAgainst, verifyHashed } from './verify';
import { HEAD_BYTES, writeChunks, type StreamOutcome } from './write-stream';

export interface RunDeps {
  emit(message: WriterMessage): void;
  signal: AbortSignal;
  inject: ProvisioningInjector;
  /** Whether the job's test fault may be applied (FIOT_WRITER_TEST_FAULTS=1). */
  allowFaults: boolean;
  /** Started by pkexec through the installed launcher: drives only, never a file. */
  elevated?: boolean;
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new FiotError('CANCELLED', 'The write was cancelled.');
}

/** Zeroes the start of each block device, so the card's old partition table is gone while it is written. */
async function invalidateHeads(slots: TargetSlot[]): Promise<void> {
  await forEachLive(slots, async (slot) => {
    if (slot.io.size === null) return;
    const length = Math.min(HEAD_BYTES, slot.io.size);
    await slot.io.write(alignedBuffer(length).fill(0).subarray(0, length), 0);
  });
}

async function corruptForTest(slot: TargetSlot & { io: TargetIO }, outcome: StreamOutcome): Promise<void> {
  const first = outcome.body[0];
  if (!first) return;
  const bytes = Buffer.from(await slot.io.read(first.offset, 512));
  bytes[0] = (bytes[0] ?? 0) ^ 0xff;
  const aligned = alignedBuffer(512).subarray(0, 512);
  bytes.copy(aligned);
  await slot.io.write(aligned, first.offset);
}

export async function runJob(job: WriterJob, deps: RunDeps): Promise<WriterResultMessage> {
  const { signal } = deps;
  const slots = job.targets.map((t) => createSlot(t.device, t.provisioning, t.descriptor));
  const progress = new ProgressReporter(deps.emit, slots);
  let reader: ImageReader | null = null;
  let source: SourceInfo | null = null;
  let outcome: StreamOutcome | null = null;
  let jobError: FiotError | undefined;
  try {
    source = await inspectSource(job.source);
    const problem = decoderProblem(source);
    if (problem) throw problem;
    await prepareTargets(slots, source, deps.elevated);
    throwIfCancelled(signal);
    if (!slots.some(isLive)) throw slots[0]?.error ?? new FiotError('INTERNAL', 'No target could be opened.');
    reader = await openImage(source, job.dataRanges);
    await invalidateHeads(slots);
    for (const slot of slots.filter(isLive)) slot.state = 'writing';
    progress.enter(source.format === 'raw' ? 'writing' : 'decompressing', source.size);
    const decoded = reader.decoded;
    outcome = await writeChunks(reader.chunks, reader.map, slots, { signal, onChunk: (bytes) => progress.at(bytes) }).catch(async (error: unknown) => {
      // A decoder's stream error says little; the decoder's own verdict (SOURCE_CORRUPT) says what happened.
      if (!(error instanceof FiotError) && decoded) await decoded.finished;
      throw error;
    });
    throwIfCancelled(signal);
    if (!slots.some(isLive)) throw slots.find((s) => s.error)?.error ?? new FiotError('WRITE_FAILED', 'Every target failed.');
    await checkDecoded(reader, source, outcome.imageBytes);
    checkWrittenDigest(job.expectedWrittenSha256, outcome, job.source);
    const imageSize = source.size ?? outcome.imageBytes;
    await forEachLive(slots, async (slot) => {
      await slot.io.setFileLength(imageSize);
      await slot.io.flush();
    });
    const fault = job.fault;
    if (fault && deps.allowFaults) {
      const slot = slots[fault.target];
      if (slot && isLive(slot)) await corruptForTest(slot, outcome);
    }
    await finishTargets(job, deps, slots, progress, outcome, imageSize);
  } catch (error) {
    jobError = error instanceof FiotError ? error : new FiotError('INTERNAL', toErrorInfo(error).message);
    for (const slot of slots) if (slot.state !== 'failed' && slot.state !== 'done') failSlot(slot, jobError);
  } finally {
    reader?.decoded?.close();
    await Promise.all(slots.map((slot) => slot.io?.close()));
  }
  const ok = slots.every((slot) => slot.state === 'done');
  progress.send(true);
  return {
    type: 'result',
    ok,
    imageSize: source?.size ?? outcome?.imageBytes ?? 0,
    writtenBytes: outcome ? totalLength(outcome.body) + totalLength(outcome.head.ranges) : 0,
    decoder: reader?.decoder ?? 'none',
    ...(reader?.xzBlocks ? { xzBlocks: reader.xzBlocks } : {}),
    ...(jobError ? { error: jobError.toInfo() } : {}),
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
    // The head is still only in memory: its bytes open the hash, the card's body bytes follow.
    const heldBytes = outcome.head.ranges.map((r) => outcome.head.data.subarray(r.offset, r.offset + r.length));
    const live = slots.filter(isLive);
    for (const slot of live) slot.state = 'verifying';
    progress.enter('verifying', totalLength(outcome.body) * live.length);
    await forEachLive(slots, async (slot) => {
      await verifyHashed(slot.io, outcome.body, outcome.writtenSha256, signal, (n) => progress.add(n), heldBytes);
    });
    throwIfCancelled(signal);
  }
  const toProvision = slots.filter((slot) => isLive(slot) && slot.provisioning !== undefined);
  if (toProvision.length > 0) progress.enter('provisioning', toProvision.length);
  for (const slot of toProvision) {
    if (!isLive(slot)) continue;
    try {
      slot.state = 'provisioning';
      const overlay = provisioningOverlay(slot.io, outcome.head, slot.io.size ?? imageSize);
      const { changed } = await deps.inject(overlay, slot.provisioning);
      await slot.io.flush();
      await overlay.verify(signal);
      slot.provisioned = changed;
    } catch (error) {
      failSlot(slot, error);
    }
    progress.add(1);
    throwIfCancelled(signal);
  }
  const headLength = Math.min(HEAD_BYTES, imageSize);
  await forEachLive(slots, async (slot) => {
    slot.state = 'writing';
    await slot.io.write(outcome.head.data.subarray(0, headLength), 0);
    await slot.io.flush();
    if (job.verify) {
      slot.state = 'verifying';
      await verifyAgainst(slot.io, [{ offset: 0, length: headLength }], (piece) => outcome.head.data.subarray(piece.offset, piece.offset + piece.length), signal);
    }
    slot.bytesWritten += headLength;
    slot.verified = job.verify;
    slot.state = 'done';
  });
}
