/**
 * "Restore to an empty drive" for every front end: the drive is resolved and checked here, so a
 * refusal comes before any privilege prompt, then the writer process (which checks again) does
 * the erasing and formatting.
 */
import type { Drive } from '../../../shared/domain/drive';
import { checkRestore, DEFAULT_RESTORE_LABEL, restoreRequestSchema, type RestoreRequest, type RestoreResult } from '../../../shared/domain/restore';
import { FiotError, isErrorCode } from '../../../shared/errors';
import { resolveTarget } from '../drives/resolve-target';
import { spawnRestore } from '../flash/writer-client';
import { writerCommand, type WriterCommand } from '../flash/writer-command';

export interface RestoreDeps {
  resolveTarget?: (target: string) => Promise<Drive>;
  writerCommand?: (needsPrivilege: boolean) => WriterCommand;
}

/** The drive as checked, before anything is written (the CLI asks for confirmation in between). */
export async function checkRestoreTarget(request: RestoreRequest, deps: RestoreDeps = {}): Promise<{ drive: Drive; label: string }> {
  const { device, label = DEFAULT_RESTORE_LABEL } = restoreRequestSchema.parse(request);
  const drive = await (deps.resolveTarget ?? resolveTarget)(device);
  checkRestore(drive, label);
  return { drive, label };
}

export async function restoreDrive(request: RestoreRequest, deps: RestoreDeps = {}): Promise<RestoreResult> {
  const { drive, label } = await checkRestoreTarget(request, deps);
  const writer = spawnRestore({ device: drive.device, label }, (deps.writerCommand ?? writerCommand)(true));
  const answer = await writer.result;
  if (answer.ok && answer.result) return answer.result;
  const error = answer.error ?? { code: 'INTERNAL', message: 'The writer did not say how the restore went.' };
  throw new FiotError(isErrorCode(error.code) ? error.code : 'INTERNAL', error.message, error.hint);
}
