/**
 * What a build leaves on disk: checking that the builder really produced a raw disk image, putting
 * it in the cache, and removing what a cancelled or failed build left half-written.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { FiotError } from '../../../shared/errors';
import type { BuildRecord } from '../../../shared/domain/build';
import type { DownloadedEntry } from '../../../shared/domain/images';
import type { ImageCache } from '../images/cache/image-cache';
import { sha256File } from '../images/verify/sha256';
import { RAW_IMAGE_RELATIVE_PATH } from './podman-command';

export function buildsDir(cacheDir: string): string {
  return path.join(cacheDir, 'builds');
}

/** The built image's home in the cache until the image cache takes built images as entries. */
export function cachedBuildPath(cacheDir: string, buildId: string): string {
  return path.join(buildsDir(cacheDir), buildId, 'disk.raw');
}

/** Throws BUILD_FAILED unless `<outputDir>/image/disk.raw` exists and starts like a partitioned disk. */
export function checkBuiltImage(outputDir: string): string {
  const image = path.join(outputDir, RAW_IMAGE_RELATIVE_PATH);
  if (!existsSync(image)) {
    throw new FiotError('BUILD_FAILED', `The builder finished but left no ${RAW_IMAGE_RELATIVE_PATH} in ${outputDir}.`);
  }
  const head = Buffer.alloc(512);
  const fd = openSync(image, 'r');
  try {
    readSync(fd, head, 0, 512, 0);
  } finally {
    closeSync(fd);
  }
  // Both an MBR and GPT's protective MBR end their first sector with 0x55 0xAA.
  if (statSync(image).size < 1024 * 1024 || head[510] !== 0x55 || head[511] !== 0xaa) {
    throw new FiotError('BUILD_FAILED', `${image} is not a partitioned disk image; the build did not complete.`);
  }
  return image;
}

/**
 * Puts the built image at `destination`: moved when it was built inside the cache, else copied
 * keeping its holes (a 10 GiB raw image holds only a few GiB of data) and sharing blocks where the
 * filesystem can (reflink).
 */
export function placeInCache(image: string, destination: string, move: boolean): void {
  mkdirSync(path.dirname(destination), { recursive: true });
  const temp = `${destination}.part`;
  if (move) {
    renameSync(image, destination);
    return;
  }
  if (process.platform === 'linux') {
    execFileSync('cp', ['--sparse=always', '--reflink=auto', image, temp]);
  } else {
    copyFileSync(image, temp);
  }
  renameSync(temp, destination);
}

/**
 * Removes what a build wrote into its output folder: the image folder and the manifest it saves,
 * and the folder itself when the build created it. Anything else the user keeps there stays.
 */
export function removePartialOutput(outputDir: string, createdByBuild: boolean): void {
  if (createdByBuild) {
    rmSync(outputDir, { recursive: true, force: true });
    return;
  }
  rmSync(path.join(outputDir, path.dirname(RAW_IMAGE_RELATIVE_PATH)), { recursive: true, force: true });
  rmSync(path.join(outputDir, 'manifest-raw.json'), { force: true });
}

/** The cache source a built image is found by (`fiot-flash flash bootc-build:<id>` style lookups). */
export function buildSource(buildId: string): string {
  return `bootc-build:${buildId}`;
}

/**
 * Enters the built image into the shared image cache like a download: content-addressed by its
 * sha256, found again by its build source. There is no published checksum for a fresh build, so
 * the notes say where it came from instead.
 */
export async function commitBuiltImage(cache: ImageCache, file: string, record: BuildRecord): Promise<DownloadedEntry> {
  const sha256 = await sha256File(file);
  const name = `${record.reference.replace(/^.*\//, '').replace(/[^A-Za-z0-9._-]+/g, '-')}-${record.arch}.raw`;
  const notes = [`Built from ${record.reference}${record.digest ? ` (${record.digest})` : ''} for ${record.arch} by bootc-image-builder.`];
  return cache.commit({ partPath: file, name, sources: [buildSource(record.id)], verification: { sha256, checksum: 'none', signature: null, signatureSkipped: false, notes } });
}
