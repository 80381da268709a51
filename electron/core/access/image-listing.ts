/**
 * The images a client may choose from: files named like disk images under the image folders
 * (the station's --images, default the cache), a few levels deep and a bounded number of them,
 * so a large folder cannot stall the listing. A download's decompressed copy in the cache is no
 * image of its own: the download is listed once, and a flash of it reads the copy.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { imageFileNamePattern } from '../../../shared/image-file-name';

const MAX_DEPTH = 3;
export const MAX_LISTED_IMAGES = 500;

export interface ListedImage {
  path: string;
  name: string;
  fileSize: number;
}

async function walk(folder: string, depth: number, found: Map<string, ListedImage>, hidden: ReadonlySet<string>): Promise<void> {
  const entries = await fs.readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (found.size >= MAX_LISTED_IMAGES) return;
    const file = path.join(folder, entry.name);
    // Symlinks are not followed: a link could lead out of the folder.
    if (entry.isDirectory() && depth < MAX_DEPTH) await walk(file, depth + 1, found, hidden);
    if (entry.isFile() && imageFileNamePattern.test(entry.name) && !found.has(file) && !hidden.has(file)) {
      const stats = await fs.stat(file).catch(() => null);
      if (stats) found.set(file, { path: file, name: entry.name, fileSize: stats.size });
    }
  }
}

/**
 * Each image once, also where one folder lies inside another (the station's uploads in the cache).
 * `hidden`: files that are part of another listed image, not images of their own (the cache's
 * decompressed copy of a download: choosing the download writes from its copy).
 */
export async function listImages(folders: string[], hidden: readonly string[] = []): Promise<ListedImage[]> {
  const found = new Map<string, ListedImage>();
  const skip = new Set(await Promise.all(hidden.map((file) => fs.realpath(file).catch(() => path.resolve(file)))));
  for (const folder of folders) await walk(folder, 1, found, skip);
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}
