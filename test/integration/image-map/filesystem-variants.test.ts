/**
 * The allocation map against dumpe2fs on the ext layouts a card may carry besides the default
 * ones: Fedora's 2 GiB `boot` (4 KiB blocks), a root of 2.6 GiB (21 groups: past the 16 one flex
 * group packs), no flex_bg, no 64bit, uninit_bg without metadata_csum, ext2 and ext3. Each holds
 * files copied in by mkfs (which packs them at the start), and data at six places spread over the
 * whole filesystem, so groups near the end hold data too: on ext4, a file debugfs allocates at
 * spread logical offsets (its allocator follows them); on ext2/3, whose allocator does not, blocks
 * debugfs marks in use in the bitmaps (what the map must honour). Every block dumpe2fs calls used must be written, none it calls free. A partition with a filesystem the map
 * does not know (xfs, swap, random bytes) must be written whole. Sparse files only: no loop device.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { mapFile, singlePartitionImage, usedByDumpe2fs, within } from '../../helpers/fs-oracle';
import { realBootFixture } from '../../helpers/provision-fixture';
import { commandsSkipReason } from '../../helpers/system';

const MiB = 1024 * 1024;
const skip = commandsSkipReason('sfdisk', 'mkfs.ext4', 'mkfs.ext3', 'mkfs.ext2', 'dumpe2fs', 'mkfs.xfs', 'mkswap', 'mkfs.vfat', 'mcopy', 'debugfs', 'openssl', 'xz') ?? false;

let dir: string;
let tree: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-fs-variants-'));
  // 24 top-level directories with a few files each, one 3 MiB file, and a 900 MiB file that is
  // mostly a hole with data every 100 MiB: data and directories across many groups.
  tree = path.join(dir, 'tree');
  for (let d = 0; d < 24; d++) {
    mkdirSync(path.join(tree, `dir-${d}`, 'sub'), { recursive: true });
    for (let f = 0; f < 3; f++) writeFileSync(path.join(tree, `dir-${d}`, f ? `sub/file-${f}` : `file-${f}`), randomBytes(1024 * (5 + d + f * 7)));
  }
  writeFileSync(path.join(tree, 'kernel.bin'), randomBytes(3 * MiB));
  const holes = path.join(tree, 'dir-0', 'mostly-holes.img');
  execFileSync('truncate', ['-s', '900M', holes]);
  for (let at = 0; at < 900; at += 100) execFileSync('dd', ['if=/dev/urandom', `of=${holes}`, 'bs=1M', 'count=1', `seek=${at}`, 'conv=notrunc', 'status=none']);
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

/** Asserts the map writes exactly the blocks dumpe2fs calls used; returns dumpe2fs's view. */
async function assertMapMatchesDumpe2fs(image: string, sizeBytes: number): Promise<ReturnType<typeof usedByDumpe2fs>> {
  const map = await mapFile(image, sizeBytes);
  const partition = map.partitions[0]!;
  assert.equal(partition.fs, 'ext4');
  const fs = usedByDumpe2fs(image, partition.offset);
  assert.equal(fs.blockSize, 4096);
  assert.deepEqual(within(map.dataRanges, partition.offset, partition.offset + fs.fsBytes), fs.used);
  return fs;
}

const SPREAD_BLOCKS = 300;

/** mkfs (ext2, ext3 or ext4) with these options over a one-partition image, filled from `tree`, plus the spread file. */
function extImage(name: string, sizeMib: number, mkfs: string, options: string[]): string {
  return singlePartitionImage(dir, name, sizeMib, (image, offset) => {
    const blocks = (sizeMib - 1) * 256;
    execFileSync(mkfs, ['-q', '-F', '-b', '4096', ...options, '-E', `offset=${offset}`, '-d', tree, image, `${blocks * 4}k`], { stdio: 'ignore' });
    const extents = mkfs === 'mkfs.ext4';
    const requests = ['write /dev/null spread'];
    for (let sixth = 0; sixth < 6; sixth++) {
      const at = Math.floor((blocks * sixth) / 6) + (extents ? 0 : 1000);
      requests.push(extents ? `fallocate /spread ${at} ${at + SPREAD_BLOCKS - 1}` : `setb ${at} ${SPREAD_BLOCKS}`);
    }
    execFileSync('debugfs', ['-w', '-f', '-', `${image}?offset=${offset}`], { input: requests.join('\n'), stdio: ['pipe', 'ignore', 'ignore'] });
  });
}

describe('the allocation map agrees with dumpe2fs', { skip }, () => {
  test('Fedora\'s 2 GiB boot (4 KiB blocks)', async () => {
    const fixture = await realBootFixture();
    const map = await mapFile(fixture.path, fixture.size);
    const boot = map.partitions.find((p) => p.label === 'boot')!;
    const fs = usedByDumpe2fs(fixture.path, boot.offset);
    assert.equal(fs.blockSize, 4096);
    assert.equal(fs.groups, 16);
    assert.deepEqual(within(map.dataRanges, boot.offset, boot.offset + fs.fsBytes), fs.used);
  });

  const variants: Array<[string, number, string, string[]]> = [
    ['a 2.6 GiB root, 21 groups', 2700, 'mkfs.ext4', ['-O', 'orphan_file,metadata_csum_seed']],
    ['ext4 without flex_bg', 1200, 'mkfs.ext4', ['-O', '^flex_bg']],
    ['ext4 without 64bit', 1200, 'mkfs.ext4', ['-O', '^64bit']],
    ['ext4 with uninit_bg, without metadata_csum', 1200, 'mkfs.ext4', ['-O', '^metadata_csum,uninit_bg']],
    ['ext2', 1200, 'mkfs.ext2', []],
    ['ext3', 1200, 'mkfs.ext3', []],
  ];
  for (const [name, sizeMib, mkfs, options] of variants) {
    test(name, async () => {
      const image = extImage(`${name.replace(/\W+/g, '-')}.img`, sizeMib, mkfs, options);
      const fs = await assertMapMatchesDumpe2fs(image, sizeMib * MiB);
      assert.ok(fs.groups > (sizeMib > 2048 ? 16 : 8), `${fs.groups} groups`);
      if (mkfs === 'mkfs.ext4') {
        const spread = execFileSync('debugfs', ['-R', 'blocks /spread', `${image}?offset=${MiB}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        const lastBlock = Math.max(...spread.trim().split(/\s+/).map(Number));
        assert.ok(lastBlock * fs.blockSize >= (fs.fsBytes * 5) / 6, `the spread file reaches the last groups (block ${lastBlock})`);
      }
      rmSync(image);
    });
  }
});

describe('a partition the map does not know is written whole', { skip }, () => {
  const unknown: Array<[string, number, (image: string, offset: number) => void]> = [
    ['xfs', 320, (image, offset) => {
      // mkfs.xfs has no offset option: make it in a file of its own, then copy it in.
      const part = path.join(dir, 'xfs-part.img');
      execFileSync('truncate', ['-s', '319M', part]);
      execFileSync('mkfs.xfs', ['-q', '-f', part]);
      execFileSync('dd', [`if=${part}`, `of=${image}`, 'bs=1M', `seek=${offset / MiB}`, 'conv=notrunc,sparse', 'status=none']);
      rmSync(part);
    }],
    ['swap', 64, (image, offset) => {
      const part = path.join(dir, 'swap-part.img');
      execFileSync('truncate', ['-s', '63M', part]);
      execFileSync('mkswap', ['-q', part]);
      execFileSync('dd', [`if=${part}`, `of=${image}`, 'bs=1M', `seek=${offset / MiB}`, 'conv=notrunc,sparse', 'status=none']);
      rmSync(part);
    }],
    ['random bytes', 64, (image, offset) => {
      execFileSync('dd', ['if=/dev/urandom', `of=${image}`, 'bs=1M', 'count=2', `seek=${offset / MiB}`, 'conv=notrunc', 'status=none']);
    }],
  ];
  for (const [name, sizeMib, format] of unknown) {
    test(name, async () => {
      const image = singlePartitionImage(dir, `${name.replace(/\W+/g, '-')}.img`, sizeMib, format);
      const map = await mapFile(image, sizeMib * MiB);
      const partition = map.partitions[0]!;
      assert.equal(partition.fs, 'other');
      assert.deepEqual(within(map.dataRanges, partition.offset, partition.offset + partition.size), [{ offset: partition.offset, length: partition.size }]);
      rmSync(image);
    });
  }
});
