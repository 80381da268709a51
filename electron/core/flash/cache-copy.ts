/**
 * The job's side of a cache copy (a source's `cacheCopy` offer): opened just before the writer
 * starts, inherited by it like a drive, and kept or removed by how the run ended.
 */
import type { WriterResultMessage } from '../../../shared/writer-protocol';
import type { CacheCopyOffer, PreparedSource } from '../image-source';
import type { WriterCommand } from './writer-command';

export interface OpenedCacheCopy {
  fd: number;
  maxBytes: number;
  offer: CacheCopyOffer;
}

/**
 * Only a verified flash keeps a copy, so only such a flash opens one. A writer that pkexec starts
 * gets none either: it runs as root, and a root process must not write into a user's cache folder,
 * not even through a descriptor (and pkexec hands it no inherited descriptors anyway).
 */
export async function openCacheCopy(prepared: PreparedSource, command: WriterCommand, verify: boolean): Promise<OpenedCacheCopy | null> {
  const offer = prepared.cacheCopy;
  if (!offer || !verify || command.elevated) return null;
  // A cache that cannot take the copy (a read-only or full disk) never stops the flash.
  const opened = await offer.open().catch(() => null);
  return opened && { ...opened, offer };
}

/** Kept when every card was written and verified and the writer reports the copy whole; removed otherwise. Says whether it was kept. */
export async function settleCacheCopy(copy: OpenedCacheCopy | null, result: WriterResultMessage, sourceSha256: string | undefined): Promise<boolean> {
  if (!copy) return false;
  const verified = result.ok && result.targets.every((target) => target.verified);
  if (verified && result.cacheCopy) {
    const kept = await copy.offer.keep(result.cacheCopy, sourceSha256).catch(() => false);
    if (kept) return true;
  }
  await copy.offer.discard();
  return false;
}
