/** The end of a flash as a person or a script reads it, and the exit status it earns. */
import { imageCacheNotes, type FlashResult } from '../../shared/domain/flash';
import { oldDataWords } from '../../shared/domain/old-data';
import { WRITTEN_DIGEST_CLI_NAME, writtenDigestMeaning } from '../../shared/domain/written-digest';
import { errorCatalog, isErrorCode, type ErrorInfo } from '../../shared/errors';
import type { CliIO } from './io';

type TargetResult = FlashResult['targets'][number];

/** Success means every card written (and verified, when asked): a card not proven good is a failure. */
export function targetSucceeded(target: TargetResult, verify: boolean): boolean {
  return target.state === 'done' && !target.error && (!verify || target.verified);
}

export function flashSucceeded(result: FlashResult, verify: boolean): boolean {
  return result.ok && result.targets.length > 0 && result.targets.every((t) => targetSucceeded(t, verify));
}

/** Errors arrive as data from the writer; a code this build does not know still reads as a failed write. */
function jobError(error: NonNullable<FlashResult['error']>): ErrorInfo {
  if (isErrorCode(error.code)) return { code: error.code, message: error.message, hint: error.hint ?? errorCatalog[error.code].hint };
  return { code: 'WRITE_FAILED', message: error.message, hint: error.hint };
}

function targetError(target: TargetResult): ErrorInfo {
  if (target.error) return jobError(target.error);
  if (target.state === 'cancelled') return { code: 'CANCELLED', message: `${target.device} was not finished: writing was cancelled.`, hint: errorCatalog.CANCELLED.hint };
  return { code: 'VERIFY_FAILED', message: `${target.device} was not verified.`, hint: errorCatalog.VERIFY_FAILED.hint };
}

export function firstError(result: FlashResult, verify: boolean): ErrorInfo | undefined {
  const failed = result.targets.find((t) => !targetSucceeded(t, verify));
  if (failed) return targetError(failed);
  if (result.error) return jobError(result.error);
  if (!flashSucceeded(result, verify)) return { code: 'INTERNAL', message: 'The flash did not finish successfully.', hint: errorCatalog.INTERNAL.hint };
  // The cards are fine, but what they were handed (a history line, a table row) was not saved: the
  // next run could hand out the same name or row again, so a script must not read this as success.
  if (result.notSaved) return jobError(result.notSaved);
  const hook = result.onCard?.find((report) => !report.ok);
  if (hook) return { code: 'ON_CARD_FAILED', message: hook.message, hint: errorCatalog.ON_CARD_FAILED.hint };
  return undefined;
}

/** A failed on-card command is a failure of what was asked for: said on stderr, and in the exit status. */
function reportOnCard(result: FlashResult, io: CliIO): boolean {
  const failed = (result.onCard ?? []).filter((report) => !report.ok);
  for (const report of failed) io.warn(`✘ on-card command: ${report.message}`);
  if (result.onCard?.length && failed.length === 0) io.say(`On-card command: ran for ${result.onCard.length} card${result.onCard.length === 1 ? '' : 's'}.`);
  return failed.length === 0;
}

export function reportFlash(result: FlashResult, verify: boolean, io: CliIO): boolean {
  const written = flashSucceeded(result, verify);
  for (const target of result.targets) {
    if (targetSucceeded(target, verify)) {
      const how = verify ? 'written and verified' : 'written (not verified)';
      const name = target.hostname ? ` as ${target.hostname}` : '';
      io.say(`✔ ${target.device}: ${how}${name}${target.writtenSha256 ? `, ${WRITTEN_DIGEST_CLI_NAME} ${target.writtenSha256}` : ''}`);
      // Never a failure: the card is good, but a person reusing cards should know what it may still hold.
      if (target.oldData) io.say(`    ${oldDataWords(target.oldData)}`);
    } else {
      const error = targetError(target);
      io.say(`✘ ${target.device}: ${error.message}${error.hint ? `\n    ${error.hint}` : ''}`);
    }
  }
  // Once, not per card: what the value on the lines above is, so nobody hashes the file or the card to check it.
  if (result.targets.some((t) => targetSucceeded(t, verify) && t.writtenSha256)) io.say(writtenDigestMeaning(WRITTEN_DIGEST_CLI_NAME));
  if (result.imageCache) io.say(imageCacheNotes[result.imageCache]);
  if (result.notSaved) io.warn(`✘ ${result.notSaved.message}`);
  if (written) io.say(`Done in ${(result.durationMs / 1000).toFixed(1)} s.`);
  const ok = reportOnCard(result, io) && written && !result.notSaved;
  const { jobId, source, imageSize, sourceSha256, sourceTrust, targets, durationMs, writtenBytes, decoder, xzBlocks, imageCache, notSaved, onCard, downloadLeft } = result;
  // Without --json the per-card lines above already told the story; io.result adds the error line.
  io.result(ok, { jobId, source, imageSize, sourceSha256, sourceTrust, writtenBytes, decoder, xzBlocks, imageCache, targets, durationMs, notSaved, onCard, downloadLeft }, firstError(result, verify));
  return ok;
}
