/**
 * Decoding every supported format, with the system tools and with the Node fallbacks, to exactly
 * the image's bytes; and damaged or cut-short archives ending in SOURCE_CORRUPT, never in a
 * clean short stream.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inspectSource, openDecodedStream, type DecodedSource } from '../../../electron/core/image-source';
import { FiotError } from '../../../shared/errors';
import { commandsSkipReason } from '../../helpers/system';

const skip = commandsSkipReason('xz', 'gzip', 'bzip2', 'zstd', 'zip') ?? false;
let dir = '';
let image = '';
const imageBytes = Buffer.alloc(2 * 1024 * 1024 + 4096);

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-decode-'));
  for (let i = 0; i < imageBytes.length; i += 4) imageBytes.writeUInt32LE(((i >> 6) * 2654435761) >>> 0, i);
  imageBytes[510] = 0x55;
  imageBytes[511] = 0xaa;
  image = path.join(dir, 'disk.img');
  writeFileSync(image, imageBytes);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Reads the decoded stream to the end; throws what the decoder reports. */
async function drain(decoded: DecodedSource): Promise<Buffer> {
  const parts: Buffer[] = [];
  try {
    for await (const part of decoded.stream) parts.push(part as Buffer);
  } catch (error) {
    await decoded.finished;
    throw error;
  }
  await decoded.finished;
  return Buffer.concat(parts);
}

function packed(name: string, make: (out: string) => void): string {
  const out = path.join(dir, name);
  make(out);
  return out;
}

const formats: Array<{ name: string; make: (out: string) => void }> = [
  { name: 'disk.img.xz', make: (out) => writeFileSync(out, execFileSync('xz', ['-T1', '-0', '-c', image])) },
  { name: 'disk.img.gz', make: (out) => writeFileSync(out, execFileSync('gzip', ['-1', '-c', image])) },
  { name: 'disk.img.bz2', make: (out) => writeFileSync(out, execFileSync('bzip2', ['-1', '-c', image], { maxBuffer: 64 << 20 })) },
  { name: 'disk.img.zst', make: (out) => writeFileSync(out, execFileSync('zstd', ['-q', '-1', '-c', image])) },
  { name: 'disk.zip', make: (out) => execFileSync('zip', ['-q', '-j', out, image]) },
];

describe('openDecodedStream', { skip }, () => {
  for (const { name, make } of formats) {
    test(`${name}: system decoder and Node fallback both give the image's exact bytes`, async () => {
      const file = packed(name, make);
      const info = await inspectSource(file);
      for (const preferNode of [false, true]) {
        if (preferNode && info.format === 'zstd') continue; // Node 20 has no zstd: the tool is required (decoderProblem says so).
        const decoded = await openDecodedStream(info, { preferNode });
        const bytes = await drain(decoded);
        assert.equal(sha(bytes), sha(imageBytes), `${decoded.decoder} decoded ${bytes.length} bytes`);
      }
    });
  }

  const damagedCases: Array<{ name: string; make: (out: string) => void; damage: (bytes: Buffer) => Buffer }> = [
    { name: 'cut.img.xz', make: formats[0]!.make, damage: (b) => b.subarray(0, Math.floor(b.length / 2)) },
    { name: 'cut.img.gz', make: formats[1]!.make, damage: (b) => b.subarray(0, Math.floor(b.length / 2)) },
    { name: 'cut.img.bz2', make: formats[2]!.make, damage: (b) => b.subarray(0, Math.floor(b.length / 2)) },
    { name: 'cut.img.zst', make: formats[3]!.make, damage: (b) => b.subarray(0, Math.floor(b.length / 2)) },
    {
      name: 'flipped.zip',
      make: formats[4]!.make,
      // Stored entries (zip -0 would be needed for a sure CRC hit); flipping deflated data breaks inflate or the CRC.
      damage: (b) => {
        const copy = Buffer.from(b);
        for (let i = 0; i < 16; i++) copy[200 + i]! ^= 0xff;
        return copy;
      },
    },
  ];

  for (const { name, make, damage } of damagedCases) {
    test(`${name}: SOURCE_CORRUPT from the decoder, system and Node alike`, async () => {
      const file = packed(name, make);
      writeFileSync(file, damage(readFileSync(file)));
      // inspectSource would refuse a cut xz by its index already; the decoder must catch it on its own too.
      const info = { path: file, format: (await inspectSource(image)).format, fileSize: 0, size: null, minSize: 0 } as const;
      const format = name.endsWith('.xz') ? 'xz' : name.endsWith('.gz') ? 'gzip' : name.endsWith('.bz2') ? 'bzip2' : name.endsWith('.zst') ? 'zstd' : 'zip';
      for (const preferNode of [false, true]) {
        if (preferNode && format === 'zstd') continue;
        const decoded = await openDecodedStream({ ...info, format }, { preferNode });
        await assert.rejects(drain(decoded), (error: unknown) => error instanceof FiotError && error.code === 'SOURCE_CORRUPT', `${decoded.decoder} on ${name}`);
      }
    });
  }
});
