/**
 * The image cache's offer to keep the decompressed copy a flash makes, for a compressed local file
 * and a download alike: the core creates an empty file in the cache, the writer inherits it and
 * writes every image range into it alongside the cards (electron/writer/cache-copy.ts), and a
 * verified flash turns it into the entry's copy, with the writer's digest of what it wrote. The
 * writer is the only producer of copies, so their dataSha256 has one meaning.
 */
import { randomBytes } from 'node:crypto';
import { constants, openSync, promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { trustedCopy } from '../../../shared/domain/images';
import type { CacheCopyReport } from '../../../shared/writer-protocol';
import type { CacheCopyOffer } from '../image-source';
import { LEFTOVER_GRACE_MS, type ImageCache } from './cache/image-cache';
import { rawNameOf, writeMapFile } from './cache/copy-files';

/**
 * A plain descriptor, not a FileHandle (which would close it when collected): the writer inherits
 * it, and the writer client closes ours once the writer has its own. O_EXCL: another flash of the
 * same file, already making this copy, keeps it to itself. O_DIRECT where the filesystem has it
 * (tmpfs has not): the writer's writes then cost the machine no page-cache copying
 * (electron/writer/cache-copy.ts).
 */
async function openPart(partPath: string): Promise<number> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  try {
    return openSync(partPath, flags | constants.O_DIRECT, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
    // Refused after it was created: start again without O_DIRECT.
    await fs.rm(partPath, { force: true });
    return openSync(partPath, flags, 0o644);
  }
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  const stat = await fs.lstat(file).catch(() => null);
  return stat !== null && Date.now() - stat.mtimeMs >= ms;
}

/** The file a flash decodes: a local file, or a cached download. */
export interface CopiedFile {
  path: string;
  /** Null until the flash's own hash of the file is in (the copy is then made in the downloads folder). */
  sha256: string | null;
  /**
   * The file as it was hashed: a copy of a file changed since is not kept under that hash (the
   * change shows in its size, mtime or inode; the hash is not repeated after the flash). Null for
   * an image written while it downloads: the download's own sha256 check, which the tables wait
   * for, vouches for the bytes the writer decoded.
   */
  identity: Stats | null;
}

/**
 * The offer for a flash written while its image downloads: its copy is kept under the download's
 * verified sha256, next to the downloaded file (named like it, without `.xz`).
 */
export function downloadCopyOffer(cache: ImageCache, name: string, sha256: string | null): CopyOffer {
  return new CopyOffer(cache, { path: name, sha256, identity: null });
}

export class CopyOffer implements CacheCopyOffer {
  private partPath: string | null = null;

  constructor(private readonly cache: ImageCache, private readonly file: CopiedFile) {}

  private entryDir(sha256: string): string {
    return this.cache.entryDir(sha256);
  }

  async open(): Promise<{ fd: number; maxBytes: number } | null> {
    // Without the file's hash its entry is not known yet: the copy is made among the downloads in progress.
    const dir = this.file.sha256 ? this.cache.abs(this.entryDir(this.file.sha256)) : this.cache.downloadsDir;
    await fs.mkdir(dir, { recursive: true });
    // What the copy may take: the cache's limit and the disk's free space, less a reserve.
    const maxBytes = await this.cache.room(dir);
    if (maxBytes <= 0) {
      if (this.file.sha256) await fs.rmdir(dir).catch(() => undefined);
      return null;
    }
    const name = this.file.sha256 ? await this.rawName(this.file.sha256) : `local-${randomBytes(8).toString('hex')}`;
    const partPath = path.join(dir, `${name}.part`);
    // Left by a run that was killed: nobody has written it for a while.
    if (await olderThan(partPath, LEFTOVER_GRACE_MS)) await fs.rm(partPath, { force: true });
    try {
      const fd = await openPart(partPath);
      this.partPath = partPath;
      return { fd, maxBytes };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return null;
      throw error;
    }
  }

  /** The file's name as a raw image, unless the same bytes were downloaded under that very name. */
  private async rawName(sha256: string): Promise<string> {
    const name = rawNameOf(this.file.path);
    const entry = await this.cache.find(sha256);
    return entry?.file && path.basename(entry.file) === name ? `decompressed-${name}` : name;
  }

  async keep(report: CacheCopyReport, sourceSha256: string | undefined): Promise<boolean> {
    const partPath = this.partPath;
    const sha256 = this.file.sha256 ?? sourceSha256;
    // Hashed after the flash, the bytes may already be cached (from another path or a download).
    const known = !this.file.sha256 && sha256 !== undefined && trustedCopy((await this.cache.find(sha256)) ?? { raw: null });
    if (!partPath || !sha256 || known || !(await this.unchanged())) {
      await this.discard();
      return false;
    }
    const entryDir = this.entryDir(sha256);
    await fs.mkdir(this.cache.abs(entryDir), { recursive: true });
    const rawFile = path.join(entryDir, this.file.sha256 ? path.basename(partPath, '.part') : await this.rawName(sha256));
    const mapFile = path.join(entryDir, 'allocation-map.json');
    await fs.rename(partPath, this.cache.abs(rawFile));
    this.partPath = null;
    await writeMapFile(this.cache.abs(mapFile), { version: 1, size: report.imageSize, dataBytes: report.dataBytes, dataRanges: report.dataRanges });
    await this.cache.commitRawCopy({
      sha256,
      name: path.basename(this.file.path),
      size: this.file.identity?.size ?? 0,
      raw: { file: rawFile, size: report.imageSize, mapFile, dataBytes: report.dataBytes, dataSha256: report.dataSha256, madeBy: 'writer' },
    });
    return true;
  }

  private async unchanged(): Promise<boolean> {
    const then = this.file.identity;
    if (!then) return true;
    const now = await fs.stat(this.file.path).catch(() => null);
    return now !== null && now.ino === then.ino && now.dev === then.dev && now.size === then.size && now.mtimeMs === then.mtimeMs;
  }

  async discard(): Promise<void> {
    if (this.partPath) await fs.rm(this.partPath, { force: true });
    this.partPath = null;
    // The entry's folder goes too when nothing else is in it (rmdir refuses a folder that is not empty).
    if (this.file.sha256) await fs.rmdir(this.cache.abs(this.entryDir(this.file.sha256))).catch(() => undefined);
  }
}
