/**
 * Looking inside a provisioned card or image the way a person would: debugfs on the boot
 * partition (at its byte offset), e2fsck on a copy of it, and hashes of everything outside it.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Span {
  offset: number;
  size: number;
}

/** debugfs's `file?offset=N` syntax opens the filesystem inside an image or a whole device. */
export function debugfs(device: string, boot: Span, request: string): string {
  return execFileSync('debugfs', ['-R', request, `${device}?offset=${boot.offset}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

export function statMode(device: string, boot: Span, file: string): { mode: string; user: string; type: string } {
  const stat = debugfs(device, boot, `stat ${file}`);
  return {
    type: /Type: (\S+)/.exec(stat)?.[1] ?? '',
    mode: /Mode:\s+(\d+)/.exec(stat)?.[1] ?? '',
    user: /User:\s+(\d+)/.exec(stat)?.[1] ?? '',
  };
}

function readSpan(device: string, span: Span): Buffer {
  const fd = openSync(device, 'r');
  try {
    const buffer = Buffer.alloc(span.size);
    let done = 0;
    while (done < span.size) {
      const n = readSync(fd, buffer, done, span.size - done, span.offset + done);
      if (n === 0) break;
      done += n;
    }
    return buffer;
  } finally {
    closeSync(fd);
  }
}

/** e2fsck -fn on a copy of the partition: exit status 0 means clean. */
export function fsckPartition(device: string, span: Span): { status: number | null; output: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-fsck-'));
  try {
    const copy = path.join(dir, 'part.img');
    writeFileSync(copy, readSpan(device, span));
    const result = spawnSync('e2fsck', ['-fn', copy], { encoding: 'utf8' });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function sha256Span(device: string, span: Span): string {
  const hash = createHash('sha256');
  const chunk = 8 << 20;
  for (let at = 0; at < span.size; at += chunk) hash.update(readSpan(device, { offset: span.offset + at, size: Math.min(chunk, span.size - at) }));
  return hash.digest('hex');
}

/** Hashes of the bytes before and after the boot partition: provisioning must not change them. */
export function outsideBootHashes(device: string, boot: Span, size: number): [string, string] {
  const end = boot.offset + boot.size;
  return [sha256Span(device, { offset: 0, size: boot.offset }), sha256Span(device, { offset: end, size: size - end })];
}

/** 4 KiB blocks of the boot partition that differ between two images. */
export function changedBlocks(before: string, after: string, boot: Span): number[] {
  const a = readSpan(before, boot);
  const b = readSpan(after, boot);
  const changed: number[] = [];
  for (let at = 0; at < boot.size; at += 4096) {
    if (!a.subarray(at, at + 4096).equals(b.subarray(at, at + 4096))) changed.push(boot.offset + at);
  }
  return changed;
}
