/**
 * The image cache as a user finds it on disk (index.json, the decompressed copies), and the
 * damage a test does to a copy to prove every flash from it is checked.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CacheEntry } from '../../shared/domain/images';
import { flipByte } from './card-check';

const MiB = 1024 * 1024;

export function cachedEntries(cacheDir: string): CacheEntry[] {
  try {
    return (JSON.parse(readFileSync(path.join(cacheDir, 'index.json'), 'utf8')) as { entries: CacheEntry[] }).entries;
  } catch {
    return [];
  }
}

/** Flips one byte of an entry's decompressed copy inside a data range past the partition table area; returns where. */
export function tamperRawCopy(cacheDir: string, entry: CacheEntry): number {
  const map = JSON.parse(readFileSync(path.join(cacheDir, entry.raw!.mapFile), 'utf8')) as { dataRanges: { offset: number; length: number }[] };
  const range = map.dataRanges.find((r) => r.offset >= MiB && r.length > 4096)!;
  const at = range.offset + 1000;
  flipByte(path.join(cacheDir, entry.raw!.file), at, 0x5a);
  return at;
}

/** The card holds no partition table or filesystem a tool would find at its start: its head is zeros. */
export function assertNoPartitionTable(device: string, backingFile: string): void {
  const sfdisk = spawnSync('sfdisk', ['-d', device], { encoding: 'utf8' });
  assert.notEqual(sfdisk.status, 0, `sfdisk finds no partition table: ${sfdisk.stdout}`);
  const blkid = spawnSync('blkid', ['-p', device], { encoding: 'utf8' });
  assert.equal(blkid.stdout.trim(), '', 'blkid finds no partition table or filesystem at the start of the card');
  assert.equal(blkid.status, 2, 'blkid: nothing found');
  assert.ok(readFileSync(backingFile).subarray(0, MiB).equals(Buffer.alloc(MiB)), 'the head of the card is zeroed');
}
