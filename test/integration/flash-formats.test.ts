/**
 * Every source format through the whole pipeline, on a GPT (x86_64-shaped) fixture: .gz, .zst,
 * .bz2 and .zip to image files, and the .zip to a used loop device as well. The card must hold
 * the image: mapped bytes, partition table (with its GPT backup), clean filesystems.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFlash } from '../../electron/core/flash/job';
import { makeFixture, type Fixture } from '../fixtures/fixture';
import { assertCardHoldsImage, fillWithOldData, readRange } from '../helpers/card-check';
import { createLoopDisk } from '../helpers/loop';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';

const MiB = 1024 * 1024;
const skip = commandsSkipReason('sfdisk', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'e2fsck', 'fsck.vfat', 'gzip', 'zstd', 'bzip2', 'zip') ?? false;

let fixture: Fixture;
let dir = '';

before(async () => {
  if (skip) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-flash-formats-'));
  fixture = await makeFixture({ layout: 'gpt', size: 128 * MiB, espMib: 16, bootMib: 32, rootFillMib: 16 });
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

interface Format {
  name: string;
  tool: string;
  args: string[];
}

const formats: Format[] = [
  { name: 'image.raw.gz', tool: 'gzip', args: ['-1', '-c'] },
  { name: 'image.raw.zst', tool: 'zstd', args: ['-q', '-1', '-c'] },
  { name: 'image.raw.bz2', tool: 'bzip2', args: ['-1', '-c'] },
  { name: 'image.zip', tool: 'zip', args: [] },
];
const zip = formats.find((f) => f.name === 'image.zip')!;

/** The fixture packed in this format: made by the first test that asks, so any test runs alone. */
function pack({ name, tool, args }: Format): string {
  const out = path.join(dir, name);
  if (existsSync(out)) return out;
  if (tool === 'zip') execFileSync('zip', ['-q', '-1', '-j', out, fixture.path]);
  else writeFileSync(out, execFileSync(tool, [...args, fixture.path], { maxBuffer: 256 * MiB }));
  return out;
}

describe('every source format', { skip }, () => {
  for (const format of formats) {
    const { name } = format;
    test(`${name} to an image file: verified, and the file holds the image`, async () => {
      const source = pack(format);
      const target = path.join(dir, `${name}.card.img`);
      const result = await startFlash({ source, targets: [target] }).result;
      assert.equal(result.ok, true, JSON.stringify(result.error ?? result.targets));
      assert.equal(result.imageSize, fixture.size);
      assert.equal(result.targets[0]?.verified, true);
      await assertCardHoldsImage(fixture, target);
      // The GPT backup header sits in the image's last sector: outside every partition, so written.
      assert.ok(readRange(target, fixture.size - 512, 512).equals(readRange(fixture.path, fixture.size - 512, 512)), 'GPT backup header');
    });
  }

  test('image.zip to a used loop device', { skip: loopSkipReason() ?? false }, async () => {
    const card = createLoopDisk(160 * MiB, 'fiot-formats-card-');
    try {
      fillWithOldData(card.backingFile, 160 * MiB);
      const source = pack(zip);
      const result = await startFlash({ source, targets: [card.device] }).result;
      assert.equal(result.ok, true, JSON.stringify(result.error ?? result.targets));
      await assertCardHoldsImage(fixture, card.device);
    } finally {
      card.dispose();
    }
  });
});
