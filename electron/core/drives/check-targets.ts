/**
 * The one check on named targets, used by the CLI before it asks, by the core before it starts
 * the writer, and by the writer itself before it opens anything: each name resolved to a drive,
 * never named twice under any name (a by-id alias, a hard link), and passing every constraint of
 * shared/drive-constraints.ts, with "holds the source" decided by file identity, not path text.
 */
import type { Drive } from '../../../shared/domain/drive';
import { checkTarget, type ConstraintIssue, type ImageInfo } from '../../../shared/drive-constraints';
import type { MediumWords } from '../../../shared/domain/medium-words';
import { FiotError, toErrorInfo } from '../../../shared/errors';
import { resolveTarget, type ResolveDeps } from './resolve-target';
import { targetHoldsSource, targetKeys } from './target-identity';

export interface CheckTargetDeps extends ResolveDeps {
  /** Tests hand in drives that exist only on paper; default: resolveTarget on this machine. */
  resolveTarget?: (name: string) => Promise<Drive>;
  /** What the board chosen starts from (a card, a USB stick), for the words of a refusal. */
  medium?: MediumWords;
}

export interface CheckedTarget {
  drive: Drive;
  warnings: ConstraintIssue[];
}

/** One target, or a FiotError naming everything wrong with it. `seen` holds the keys of targets already checked. */
export async function checkOneTarget(name: string, image: ImageInfo, seen: Set<string>, deps: CheckTargetDeps = {}): Promise<CheckedTarget> {
  const drive = await (deps.resolveTarget ?? ((n: string) => resolveTarget(n, deps)))(name);
  const keys = targetKeys(drive, deps.sysRoot);
  if (keys.some((key) => seen.has(key))) throw new FiotError('INVALID_INPUT', `${name} is named more than once (perhaps under another name).`, 'Name each target once.');
  for (const key of keys) seen.add(key);
  const holdsSource = [image.path, image.origin].some((source) => source !== undefined && targetHoldsSource(drive, source, deps.sysRoot));
  const check = checkTarget(drive, image, holdsSource, deps.medium);
  const first = check.errors[0];
  if (first) throw new FiotError(first.code, check.errors.map((e) => e.message).join('\n'), check.errors.length === 1 ? first.hint : undefined);
  return { drive, warnings: check.warnings };
}

/** Every target; all problems are gathered, so one run tells the person everything to fix. */
export async function checkTargets(names: string[], image: ImageInfo, deps: CheckTargetDeps = {}): Promise<{ drives: Drive[]; warnings: ConstraintIssue[] }> {
  const seen = new Set<string>();
  const checked: CheckedTarget[] = [];
  const problems: FiotError[] = [];
  for (const name of names) {
    try {
      checked.push(await checkOneTarget(name, image, seen, deps));
    } catch (error) {
      problems.push(error instanceof FiotError ? error : new FiotError('INTERNAL', toErrorInfo(error).message));
    }
  }
  const [first, ...more] = problems;
  if (first && more.length === 0) throw first;
  if (first) throw new FiotError(first.code, problems.map((p) => p.message).join('\n'), 'Nothing was written. Fix each target named above, or choose others, then try again.');
  return { drives: checked.map((c) => c.drive), warnings: checked.flatMap((c) => c.warnings) };
}

/**
 * A mounted target is refused unless the person confirmed unmounting it: its filesystems may hold
 * someone's files, and a client naming it is not the person at the machine.
 */
export function mountedRefusal(drive: Drive): FiotError | null {
  if (drive.mountpoints.length === 0) return null;
  return new FiotError('TARGET_BUSY', `${drive.device} is mounted (${drive.mountpoints.join(', ')}), and unmounting it was not confirmed: nothing was written.`,
    'Unmount or eject it first, or confirm unmounting it in the app\'s own window or at the fiot-flash prompt (a station never unmounts on a browser\'s word).');
}

/** Throws for the first mounted target when unmounting was not confirmed. */
export function refuseMounted(drives: Drive[]): void {
  const refusal = drives.map(mountedRefusal).find((r) => r !== null);
  if (refusal) throw refusal;
}
