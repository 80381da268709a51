/**
 * "Restore to an empty drive" for every front end: the drive is resolved and checked here, so a
 * refusal comes before any privilege prompt, then the writer process (which checks again) does
 * the erasing and formatting, under the card's lock, through UDisks2 where it is there.
 */
import type { Drive } from '../../../shared/domain/drive';
import { checkRestore, DEFAULT_RESTORE_LABEL, restoreRequestSchema, type RestoreRequest, type RestoreResult } from '../../../shared/domain/restore';
import { refuseMounted } from '../drives/check-targets';
import { resolveTarget } from '../drives/resolve-target';
import { spawnRestore } from '../flash/writer-client';
import { runWriterTask, type WriterTaskDeps } from '../flash/writer-task';

export interface RestoreDeps extends WriterTaskDeps {
  resolveTarget?: (target: string) => Promise<Drive>;
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
  const unmountConfirmed = request.unmountConfirmed ?? false;
  if (!unmountConfirmed) refuseMounted([drive]);
  return runWriterTask(drive, deps, (command, descriptor, inherited) =>
    spawnRestore({ device: drive.device, label, ...(descriptor === undefined ? {} : { descriptor }), ...(unmountConfirmed ? { unmountConfirmed } : {}) }, command, inherited));
}
