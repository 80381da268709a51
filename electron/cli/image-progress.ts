/**
 * Download progress for `download` and for `flash` of a URL or catalog reference: one line redrawn
 * on a terminal, a line per step in a log, {"type":"progress","phase":...} objects with --json.
 */
import type { CacheEntry } from '../../shared/domain/images';
import { formatSize } from '../../shared/format-size';
import type { StepProgress } from '../core/images/image-service';
import type { CliIO } from './io';
import { formatEta } from './progress-view';

const stepNames: Record<StepProgress['step'], string> = {
  resolving: 'Resolving',
  waiting: 'Waiting for another download of this image',
  downloading: 'Downloading',
  verifying: 'Verifying checksum',
  decompressing: 'Decompressing once',
  mapping: 'Mapping data',
};

export function createImageProgress(io: CliIO): { update(p: StepProgress): void; finish(): void } {
  let lastStep: string | null = null;
  let drawn = false;
  let lastDraw = 0;
  return {
    update(p) {
      io.emit({ type: 'progress', phase: p.step, bytes: p.bytes, totalBytes: p.totalBytes, speed: Math.round(p.speed), etaSeconds: p.etaSeconds });
      if (io.json) return;
      if (io.isTTY) {
        if (Date.now() - lastDraw < 100 && p.step === lastStep) return;
        lastDraw = Date.now();
        const percent = p.totalBytes ? ` ${Math.floor((p.bytes / p.totalBytes) * 100)}%` : '';
        const amount = p.bytes ? ` ${formatSize(p.bytes)}${p.totalBytes ? ` of ${formatSize(p.totalBytes)}` : ''}${percent}` : '';
        const speed = p.speed ? `  ${formatSize(p.speed)}/s  ETA ${formatEta(p.etaSeconds)}` : '';
        io.stdout.write(`\r\x1b[K${stepNames[p.step]}${amount}${speed}`);
        drawn = true;
      } else if (p.step !== lastStep) {
        io.say(`${stepNames[p.step]}…`);
      }
      lastStep = p.step;
    },
    finish() {
      if (drawn) io.stdout.write('\r\x1b[K');
      drawn = false;
    },
  };
}

/** How an entry was verified, in the words the UI badges use. */
export function verificationLine(entry: CacheEntry): string {
  const v = entry.verification;
  if (v.checksum === 'signed') return `Verified by Fedora’s signature (${v.signature?.signer ?? 'trusted key'}) and sha256 ${v.sha256}`;
  if (v.checksum === 'sha256') return `Checksum verified: sha256 ${v.sha256}`;
  return `Not verified: no checksum was given or published (sha256 ${v.sha256}). Pass --sha256 to check it.`;
}
