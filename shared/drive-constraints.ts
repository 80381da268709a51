/**
 * Whether an image may be written to a drive: small pure predicates, and `checkTarget` which
 * gathers them into the errors (refuse) and warnings (ask) a person reads before anything is
 * written. The UI, the CLI and the writer process all use these, so they refuse the same things
 * with the same words.
 */
import type { Drive } from './domain/drive';
import type { ErrorCode } from './errors';
import { formatSize } from './format-size';
import { mediumWords, type MediumWords } from './domain/medium-words';

/** Drives above this size are rarely SD cards or sticks: warn, because it may be a backup disk. */
export const LARGE_DRIVE_BYTES = 128e9;

/** The image about to be written: its decompressed size when known, and where it is read from. */
export interface ImageInfo {
  /** Bytes the image occupies once decompressed; null when not known before decoding. */
  size: number | null;
  /** The local path of the source file; absent for a download not yet on disk. */
  path?: string;
  /**
   * The file the person named, when `path` is a copy of it (the image cache's decompressed copy):
   * a target holding either is refused, so a flash from the copy never overwrites the original.
   */
  origin?: string;
}

export interface ConstraintIssue {
  code: ErrorCode;
  /** What is wrong, in facts. */
  message: string;
  /** What to do instead, when it depends on the case (the size needed, the board's word); else the code's own hint. */
  hint?: string;
}

export interface TargetCheck {
  ok: boolean;
  errors: ConstraintIssue[];
  warnings: ConstraintIssue[];
}

export function isSystemDrive(drive: Drive): boolean {
  return drive.isSystem;
}

export function isReadOnly(drive: Drive): boolean {
  return drive.isReadOnly;
}

/** A file target grows to fit, and an unknown size on either side cannot be judged yet. */
export function isTooSmall(drive: Drive, imageSize: number | null): boolean {
  if (drive.kind === 'file' || drive.size === null || imageSize === null) return false;
  return drive.size < imageSize;
}

export function isLarge(drive: Drive): boolean {
  return drive.kind !== 'file' && drive.size !== null && drive.size > LARGE_DRIVE_BYTES;
}

/** Both separators, no trailing separator, case kept: enough to compare POSIX and Windows paths. */
function normalizePath(p: string): string {
  const slashed = p.replace(/\\/g, '/');
  return slashed.length > 1 ? slashed.replace(/\/+$/, '') : slashed;
}

function isInside(child: string, parent: string): boolean {
  const c = normalizePath(child);
  const p = normalizePath(parent);
  if (c === p) return true;
  return c.startsWith(p.endsWith('/') ? p : p + '/');
}

/**
 * A first guess from path text, for the UI, which cannot stat files: the target is the source file
 * itself (or a loop device over it), or the source lives on one of the drive's mounted filesystems.
 * The app's own process decides by file identity instead (electron/core/drives/target-identity.ts)
 * and passes its answer to `checkTarget` as `holdsSource`.
 */
export function isSourceDrive(drive: Drive, sourcePath: string | undefined): boolean {
  if (!sourcePath) return false;
  if (normalizePath(drive.device) === normalizePath(sourcePath)) return true;
  if (drive.backingFile && normalizePath(drive.backingFile) === normalizePath(sourcePath)) return true;
  if (drive.kind === 'file') return false;
  return drive.mountpoints.some((mountpoint) => isInside(sourcePath, mountpoint));
}

function describe(drive: Drive): string {
  const details = drive.kind === 'file' ? '' : ` (${[drive.description, formatSize(drive.size)].filter(Boolean).join(' ')})`;
  return `${drive.device}${details}`;
}

/**
 * `holdsSource`: the answer by file identity, where it could be found; path text otherwise.
 * `medium`: what the board chosen starts from (a card, a USB stick), for the words of the way out.
 */
export function checkTarget(drive: Drive, image: ImageInfo, holdsSource = isSourceDrive(drive, image.path), medium: MediumWords = mediumWords(null)): TargetCheck {
  const errors: ConstraintIssue[] = [];
  const warnings: ConstraintIssue[] = [];
  const name = describe(drive);
  if (isSystemDrive(drive)) {
    errors.push({ code: 'TARGET_SYSTEM', message: `${name} is a system drive: it holds this computer’s operating system or data, so it is never written. Choose a removable card or stick.` });
  }
  if (isReadOnly(drive)) {
    errors.push({ code: 'TARGET_READ_ONLY', message: `${name} is read-only. If it is an SD card, slide its lock switch away from “lock” and insert it again.` });
  }
  if (isTooSmall(drive, image.size)) {
    // Said once: the facts here, the way out in the hint (shown after it), in the board's word.
    errors.push({ code: 'TARGET_TOO_SMALL', message: `${name} is too small: the image needs ${formatSize(image.size)}.`, hint: `Use a ${medium.one} of at least ${formatSize(image.size)}.` });
  }
  if (holdsSource) {
    errors.push({ code: 'TARGET_IS_SOURCE', message: `${name} holds the image being written (${image.origin ?? image.path ?? 'the source'}). Copy the image to another drive, or choose another target.` });
  }
  if (isLarge(drive)) {
    warnings.push({ code: 'TARGET_LARGE', message: `${name} is larger than ${formatSize(LARGE_DRIVE_BYTES)}: it may be a backup or data disk rather than a card. Check that it is the drive you mean.` });
  }
  return { ok: errors.length === 0, errors, warnings };
}
