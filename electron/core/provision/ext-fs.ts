/**
 * ext4 access through libext2fs compiled to WebAssembly (the ext2fs package): no mount, no root,
 * no debugfs at run time, the same on Linux, macOS and Windows.
 */
import { mount, umount, type Ext2Promises } from 'ext2fs';
import type { Disk } from 'file-disk';
import { FiotError } from '../../../shared/errors';

export type ExtFs = Ext2Promises;

export async function withExtFs<T>(disk: Disk, offset: number, fn: (fs: ExtFs) => Promise<T>): Promise<T> {
  let mounted: Awaited<ReturnType<typeof mount>>;
  try {
    mounted = await mount(disk, offset);
  } catch (error) {
    throw new FiotError('NOT_FEDORA_IOT', `The ext4 filesystem at byte ${offset} cannot be opened (${errorText(error)}).`);
  }
  try {
    return await fn(mounted.promises);
  } finally {
    await umount(mounted);
  }
}

export async function exists(fs: ExtFs, path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** ext2fs rejects with errno-style objects, not always Errors. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'code' in error) return String((error as { code: unknown }).code);
  return String(error);
}
