/**
 * Reading QR codes the way a phone or a label scanner does: zbarimg (Debian's zbar-tools) on a
 * screenshot of the printed page. Each code's text, in the order zbar finds them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function scanQrCodes(png: Buffer): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-qr-'));
  try {
    const file = path.join(dir, 'page.png');
    writeFileSync(file, png);
    // --xml keeps each code's text whole (it spans several lines); -Sdisable then -Sqrcode.enable: QR codes only.
    // stderr dropped: zbar's D-Bus notice (no session bus here) is noise, not a failure.
    const xml = execFileSync('zbarimg', ['--quiet', '--xml', '-Sdisable', '-Sqrcode.enable', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return [...xml.matchAll(/<data(?: format='base64')?><!\[CDATA\[([\s\S]*?)\]\]><\/data>/g)].map((m) => m[1]!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** PDF page sizes in whole millimetres, from each page's MediaBox (Chromium writes them uncompressed). */
export function pdfPageSizesMm(pdf: Buffer): Array<[number, number]> {
  const text = pdf.toString('latin1');
  return [...text.matchAll(/\/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]/g)].map((m) => {
    const toMm = (points: number) => Math.round((points / 72) * 25.4);
    return [toMm(Number(m[3]) - Number(m[1])), toMm(Number(m[4]) - Number(m[2]))];
  });
}
