/**
 * Every check on the `--drive` targets that can happen before anything is written: each name
 * resolved to a drive, then the constraints (system, read-only, too small, holds the source).
 * All problems are gathered, so one run tells the person everything to fix.
 */
import type { Drive } from '../../shared/domain/drive';
import { checkTarget, type ConstraintIssue, type ImageInfo } from '../../shared/drive-constraints';
import { FiotError, toErrorInfo } from '../../shared/errors';
import { resolveTarget, type ResolveDeps } from '../core/drives/resolve-target';

export interface CheckedTargets {
  drives: Drive[];
  warnings: ConstraintIssue[];
}

export async function resolveTargets(names: string[], deps?: ResolveDeps): Promise<Drive[]> {
  const drives: Drive[] = [];
  const problems: ConstraintIssue[] = [];
  for (const name of names) {
    try {
      drives.push(await resolveTarget(name, deps));
    } catch (error) {
      const info = toErrorInfo(error);
      problems.push({ code: info.code, message: info.hint && info.code !== 'INTERNAL' ? `${info.message} ${info.hint}` : info.message });
    }
  }
  throwIfAny(problems);
  const seen = new Set<string>();
  for (const drive of drives) {
    if (seen.has(drive.device)) throw new FiotError('USAGE', `${drive.device} is named twice with --drive.`, 'Name each drive once.');
    seen.add(drive.device);
  }
  return drives;
}

export function checkTargets(drives: Drive[], image: ImageInfo): CheckedTargets {
  const checks = drives.map((drive) => checkTarget(drive, image));
  throwIfAny(checks.flatMap((c) => c.errors));
  return { drives, warnings: checks.flatMap((c) => c.warnings) };
}

/** One error carrying the first problem's code; every problem is in its message, one per line. */
function throwIfAny(problems: ConstraintIssue[]): void {
  const first = problems[0];
  if (!first) return;
  const message = problems.map((p) => p.message).join('\n');
  throw new FiotError(first.code, message, 'Nothing was written. Fix the drive named above, or choose another, then run the command again.');
}
