/**
 * The filesystem mappers against an independent oracle: dumpe2fs's own list of free blocks and
 * fsck.vfat's cluster counts, on the fixtures and on small purpose-made images.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { complement } from '../../../electron/core/image-map/ranges';
import { makeFixture } from '../../fixtures/fixture';
import { mapFile, singlePartitionImage, usedByDumpe2fs, within } from '../../helpers/fs-oracle';
import { commandsSkipReason } from '../../helpers/system';

const skip = commandsSkipReason('sfdisk', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'debugfs', 'dumpe2fs', 'fsck.vfat', 'openssl') ?? false;
const MiB = 1024 * 1024;
const workDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-fs-map-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

describe('ext4 mapping agrees with dumpe2fs', { skip }, () => {
  for (const layout of ['mbr', 'gpt'] as const) {
    test(`${layout} fixture: root (4 KiB blocks) exactly the used blocks; boot (1 KiB) covered, nothing wholly free`, async () => {
      const fixture = await makeFixture(layout === 'gpt' ? { layout, espFat: 32, espMib: 40 } : { layout });
      const map = await mapFile(fixture.path, fixture.size);
      const [, boot, root] = map.partitions;
      assert.equal(root!.fs, 'ext4');
      assert.equal(root!.label, 'root');
      assert.equal(boot!.label, 'boot');

      const rootFs = usedByDumpe2fs(fixture.path, root!.offset);
      assert.equal(rootFs.blockSize, 4096);
      assert.deepEqual(within(map.dataRanges, root!.offset, root!.offset + rootFs.fsBytes), rootFs.used);

      const bootFs = usedByDumpe2fs(fixture.path, boot!.offset);
      assert.equal(bootFs.blockSize, 1024);
      const written = within(map.dataRanges, boot!.offset, boot!.offset + bootFs.fsBytes);
      assert.deepEqual(complement(written, boot!.offset, boot!.offset + bootFs.fsBytes).filter((gap) =>
        within(bootFs.used, gap.offset, gap.offset + gap.length).length > 0), [], 'a used 1 KiB block is not written');
      for (const r of written) {
        for (let unit = r.offset; unit < r.offset + r.length; unit += 4096) {
          assert.ok(within(bootFs.used, unit, unit + 4096).length > 0, `4 KiB at ${unit} holds no used block`);
        }
      }
    });
  }

  test('bigalloc (not modelled) is written whole; a filesystem smaller than its partition keeps the tail', async () => {
    const bigalloc = singlePartitionImage(workDir, 'bigalloc.img', 48, (image, offset) =>
      execFileSync('mkfs.ext4', ['-q', '-F', '-O', 'bigalloc', '-C', '16384', '-E', `offset=${offset}`, image, `${47 * 1024}k`], { stdio: 'ignore' }));
    const whole = await mapFile(bigalloc, 48 * MiB);
    assert.equal(whole.partitions[0]!.fs, 'ext4');
    assert.deepEqual(whole.dataRanges, [{ offset: 0, length: 48 * MiB }]);

    const small = singlePartitionImage(workDir, 'small-fs.img', 48, (image, offset) =>
      execFileSync('mkfs.ext4', ['-q', '-F', '-E', `offset=${offset}`, image, `${20 * 1024}k`], { stdio: 'ignore' }));
    const map = await mapFile(small, 48 * MiB);
    assert.deepEqual(within(map.dataRanges, 21 * MiB, 48 * MiB), [{ offset: 21 * MiB, length: 27 * MiB }]);
    assert.ok(map.dataBytes < 40 * MiB, 'free space inside the small filesystem was skipped');
  });
});

describe('vfat mapping', { skip }, () => {
  for (const espFat of [12, 16, 32] as const) {
    test(`FAT${espFat}: tables written, used clusters written, free space skipped`, async () => {
      const fixture = await makeFixture({ espFat, espMib: espFat === 32 ? 40 : 16, seed: 3 });
      const map = await mapFile(fixture.path, fixture.size);
      const esp = map.partitions[0]!;
      assert.equal(esp.fs, 'vfat');
      assert.equal(esp.label, 'ESP');
      const copy = path.join(workDir, `esp${espFat}.img`);
      execFileSync('dd', [`if=${fixture.path}`, `of=${copy}`, 'bs=1M', `skip=${esp.offset / MiB}`, `count=${esp.size / MiB}`, 'status=none']);
      const report = execFileSync('fsck.vfat', ['-n', '-v', copy], { encoding: 'utf8' });
      assert.match(report, new RegExp(`${espFat} bit entries`));
      const dataStart = esp.offset + Number(/Data area starts at byte (\d+)/.exec(report)![1]);
      const clusterBytes = Number(/(\d+) bytes per cluster/.exec(report)![1]);
      const [used, total] = /(\d+)\/(\d+) clusters/.exec(report)!.slice(1).map(Number) as [number, number];
      const clustersEnd = dataStart + total * clusterBytes;
      assert.deepEqual(within(map.dataRanges, esp.offset, dataStart), [{ offset: esp.offset, length: dataStart - esp.offset }]);
      const writtenData = within(map.dataRanges, dataStart, clustersEnd).reduce((n, r) => n + r.length, 0);
      assert.ok(writtenData >= used * clusterBytes, `${writtenData} < ${used} clusters`);
      assert.ok(writtenData <= used * clusterBytes + 64 * 1024, `${writtenData}: far more than ${used} used clusters`);
      rmSync(copy);
    });
  }
});
