/**
 * The catalog's on-disk cache: each source's last answer with its validators and status, so the
 * app shows the catalog at once on the next start and refreshes with conditional requests.
 * Written atomically (temp file + rename): a crash mid-write leaves the previous cache intact.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { catalogEntrySchema, sourceStatusSchema } from '../../../shared/domain/catalog';

const validatorsSchema = z.object({ etag: z.string().optional(), lastModified: z.string().optional() });

const cachedSourceSchema = z.object({
  status: sourceStatusSchema,
  /** Absent when the source has never answered: its snapshot entries stand in. */
  state: z
    .object({
      entries: z.array(catalogEntrySchema),
      validators: z.record(z.string(), validatorsSchema),
      checkedAt: z.string().nullable(),
    })
    .optional(),
});

export const cacheFileSchema = z.object({
  version: z.literal(1),
  updatedAt: z.string(),
  sources: z.record(z.string(), cachedSourceSchema),
  /** Unpacked sizes of raw images by entry id, read from their xz indexes (image-sizes.ts). */
  imageSizes: z.record(z.string(), z.number().int().nonnegative()).default({}),
  /** Download sizes of raw images whose source gave none (a mirror's CHECKSUM file), by entry id. */
  fileSizes: z.record(z.string(), z.number().int().nonnegative()).default({}),
});
export type CacheFile = z.infer<typeof cacheFileSchema>;
export type CachedSource = z.infer<typeof cachedSourceSchema>;

export function cacheFilePath(cacheDir: string): string {
  return path.join(cacheDir, 'catalog', 'catalog.json');
}

/** The cache, or null when there is none or it cannot be read (then the snapshot is used). */
export async function readCache(file: string): Promise<CacheFile | null> {
  try {
    const parsed = cacheFileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeCache(file: string, cache: CacheFile): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, JSON.stringify(cache) + '\n', { mode: 0o644 });
  await rename(temp, file);
}
