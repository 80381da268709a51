/**
 * Download progress for `download` and for `flash` of a URL or catalog reference: one line redrawn
 * on a terminal, a line per step in a log, {"type":"progress","phase":...} objects with --json.
 */
import type { CacheEntry } from '../../shared/domain/images';
import { verificationLevel, verificationWords } from '../../shared/domain/verification-words';
import { formatSize } from '../../shared/format-size';
import type { StepProgress } from '../core/images/image-service';
import type { CliIO } from './io';
import { formatEta } from './progress-view';

const stepNames: Record<StepProgress['step'], string> = {
  resolving: 'Resolving',
  waiting: 'Waiting for another download of this image',
  downloading: 'Downloading',
  verifying: 'Verifying checksum',
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

/** The opt-out's help text, the same for `download` and `flash`. */
export const insecureSkipSignatureHelp = `
A Fedora image is downloaded only when its CHECKSUM file is signed by one of Fedora's keys (shipped
with the app) or a key in your keys folder, and lists the image.
  --insecure-skip-signature
                 INSECURE: accept the image even when that signature is missing or wrong; it is
                 then checked only against the catalog's or your --sha256, and the result and the
                 flash history say that the signature was skipped
`;

/** How an entry was verified, in the words the UI badges use. */
export function verificationLine(entry: CacheEntry): string {
  const v = entry.verification;
  const words = `${verificationWords(v)}: sha256 ${v.sha256}`;
  return verificationLevel(v) === 'unverified' ? `${words}. Pass --sha256 to check it.` : words;
}
