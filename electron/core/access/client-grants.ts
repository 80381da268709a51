/**
 * What a client of the core (the desktop renderer, a station browser) may name: only what the
 * core handed out. Sources: files the person picked in the native dialog (remembered by device
 * and inode), files under the image folders the app was started with, and the app's own cache
 * (where downloads and catalog images land). Targets: drives the core listed or resolved, and
 * new image files in a folder the person chose. The CLI is the person's own process and uses the
 * core's functions directly, without these grants.
 *
 * A station's clients are browsers that hold a token, not the person at the machine: the drives
 * handed out to them are only the removable cards and sticks the core lists (and, in tests, the
 * stand-in cards), never another disk or loop device named by path.
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Drive } from '../../../shared/domain/drive';
import { FiotError } from '../../../shared/errors';
import { hasScheme, type SourceResolver } from '../image-source';

export interface GrantOptions {
  /** Folders whose images clients may write, and create image files in (the station's --images). */
  imageFolders: string[];
  /** The image cache: always a source, since URLs and catalog references resolve into it. */
  cacheDir: string;
  /** The clients are a station's browsers (see above); default: the desktop's own window. */
  station?: boolean;
}

/** What a station client may write: an image file, or a removable card the core listed that is no system drive. */
function isCardForStation(drive: Drive): boolean {
  return drive.kind === 'file' || (drive.kind === 'drive' && drive.isRemovable && !drive.isSystem) || (drive.kind === 'loop' && drive.isRemovable);
}

/** The real path of a file that may not exist yet: its folder resolved, its name kept. */
function realPathOf(file: string): string {
  const absolute = path.resolve(file);
  try {
    return realpathSync(absolute);
  } catch {
    try {
      return path.join(realpathSync(path.dirname(absolute)), path.basename(absolute));
    } catch {
      return absolute;
    }
  }
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function identity(file: string): string | null {
  try {
    const stats = statSync(file);
    return stats.isFile() ? `${stats.dev}:${stats.ino}` : null;
  } catch {
    return null;
  }
}

export class ClientGrants {
  private readonly pickedFiles = new Set<string>();
  private readonly targetFolders = new Set<string>();
  private readonly handedOut = new Set<string>();

  constructor(private readonly options: GrantOptions) {
    for (const folder of options.imageFolders) this.targetFolders.add(realPathOf(folder));
  }

  /** The folders whose images a client may list and write (cache first), each once. */
  get imageFolders(): string[] {
    return [...new Set([this.options.cacheDir, ...this.options.imageFolders].map(realPathOf))];
  }

  /** Where a station saves images uploaded from the browser: its first images folder, if it has one. */
  get uploadFolder(): string | null {
    const [first] = this.options.imageFolders;
    return first === undefined ? null : realPathOf(first);
  }

  /** A file the person picked in the native open dialog. */
  grantPickedFile(file: string): void {
    const id = identity(file);
    if (id) this.pickedFiles.add(id);
  }

  /** A folder the person chose to save an image file in. */
  grantTargetFolder(folder: string): void {
    this.targetFolders.add(realPathOf(folder));
  }

  /** Whether clients are a station's browsers, whose word never stands for the person's (unmounting). */
  get station(): boolean {
    return this.options.station ?? false;
  }

  /** Drives the core listed or resolved for a client: the only targets it may name (a station's: its cards only). */
  handOut(drives: Drive[]): void {
    for (const drive of drives) if (!this.station || isCardForStation(drive)) this.handedOut.add(drive.device);
  }

  /** A drive a client named by path, refused on a station unless it is one of the cards the core lists. */
  admitResolved(drive: Drive): void {
    if (!this.station || isCardForStation(drive)) return;
    throw new FiotError('PERMISSION_DENIED', `${drive.device} is not a removable card or stick this station lists: a station's browsers may write only those, and image files in its images folder.`,
      'Insert the card into this machine and choose it from the list of drives; other disks are written from the machine itself (fiot-flash flash).');
  }

  /** The real path of a local source a client may read, or FILE_NOT_GIVEN (whether or not the file exists). */
  admitSource(file: string): string {
    const real = realPathOf(file);
    const id = identity(real);
    if (id && this.pickedFiles.has(id)) return real;
    if (this.imageFolders.some((folder) => isInside(real, folder))) return real;
    throw this.sourceNotGiven(file);
  }

  /**
   * A source the client may not read, said in the terms of the page it came from: a station's
   * page has its images folder, a list and an upload button (no Browse); the desktop app (started
   * with no images folder) has Browse and drag and drop, and a typed path is not enough.
   */
  private sourceNotGiven(file: string): FiotError {
    if (this.options.imageFolders.length > 0) {
      const folders = this.options.imageFolders.join(', ');
      return new FiotError('FILE_NOT_GIVEN', `${file} is not in the station’s images folder (${folders}): a browser may use only the images there, so that a page cannot read other files of this computer.`,
        `Choose one of the images listed under the path, send this one with “Upload an image to the station…”, or copy it into ${folders} on the station.`);
    }
    return new FiotError('FILE_NOT_GIVEN', `${file} was typed in, not chosen: the app opens only a file you choose with Browse… or drop on it, and the images it downloaded itself.`,
      'Click Browse… and choose the file, or drop it on the box.');
  }

  /** Local paths pass through admitSource; URLs and catalog references go on to the next resolver. */
  readonly localResolver: SourceResolver = async (ref) => (hasScheme(ref) ? null : { path: this.admitSource(ref) });

  /** A name a client may resolve as a target: any device (the core then decides), or a file in a granted folder. */
  admitTargetPath(name: string): void {
    const real = realPathOf(name);
    if (statSync(real, { throwIfNoEntry: false })?.isBlockDevice()) return;
    if ([...this.targetFolders].some((folder) => isInside(real, folder))) return;
    const folder = this.uploadFolder;
    if (folder !== null) {
      throw new FiotError('FILE_NOT_GIVEN', `${name} is outside the station’s images folder (${folder}): a browser may create image files only there.`, `Save it inside that folder, such as ${path.join(folder, 'card.img')}.`);
    }
    throw new FiotError('FILE_NOT_GIVEN', `${name} is not in a folder you chose for image files.`, 'Choose where to save it with the Save as… button: the app then saves image files in that folder.');
  }

  /** Targets of a flash or provisioning request: each one handed out before. */
  admitTargets(names: string[]): void {
    const unknown = names.filter((name) => !this.handedOut.has(name));
    if (unknown.length) {
      throw new FiotError('PERMISSION_DENIED', `${unknown.join(', ')}: not a drive or image file this app listed.`, 'Choose the target from the list of drives, or add it by path first.');
    }
  }
}
