import assert from 'node:assert/strict';
import { openSync, readSync, closeSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parsePartitionTable, TABLE_HEAD_BYTES } from '../../../electron/core/image-map';
import { makeFixture, type Fixture } from '../../fixtures/fixture';
import { mbrHead as mbr } from '../../helpers/mbr-head';
import { commandsSkipReason } from '../../helpers/system';

const skip = commandsSkipReason('sfdisk', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'debugfs', 'openssl') ?? false;

function headOf(file: string): Buffer {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(TABLE_HEAD_BYTES);
  readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  return head;
}

/** sfdisk's view of the fixture, without what only the filesystems can tell. */
function tableView(fixture: Fixture) {
  return fixture.partitions.map(({ label: _label, ...p }) => ({ ...p, fs: 'other' }));
}

describe('parsePartitionTable', () => {
  test('reads the aarch64 MBR layout as sfdisk does (types, boot flag, offsets)', { skip }, async () => {
    const fixture = await makeFixture({ layout: 'mbr' });
    const parts = parsePartitionTable(headOf(fixture.path), fixture.size);
    assert.deepEqual(parts, tableView(fixture));
    assert.equal(parts[0]!.type, '0x06');
    assert.equal(parts[0]!.bootable, true);
    assert.equal(parts[0]!.offset, 16 * 1024 * 1024);
  });

  test('reads the x86_64 GPT layout behind its protective MBR (type GUIDs, names)', { skip }, async () => {
    const fixture = await makeFixture({ layout: 'gpt', espFat: 32, espMib: 40 });
    const parts = parsePartitionTable(headOf(fixture.path), fixture.size);
    assert.deepEqual(parts, tableView(fixture));
    assert.equal(parts[0]!.type, 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B');
    assert.deepEqual(parts.map((p) => p.name), ['EFI System Partition', 'boot', 'root']);
    assert.equal(parts[0]!.offset, 8 * 1024 * 1024);
  });

  test('a GPT whose entries fail their CRC yields no partitions (so everything is written)', { skip }, async () => {
    const fixture = await makeFixture({ layout: 'gpt', espFat: 32, espMib: 40 });
    const head = headOf(fixture.path);
    head[1024 + 32] = head[1024 + 32]! ^ 0xff;
    assert.deepEqual(parsePartitionTable(head, fixture.size), []);
  });

  test('no signature, a bare FAT boot sector, or too few bytes: no partitions', () => {
    assert.deepEqual(parsePartitionTable(Buffer.alloc(TABLE_HEAD_BYTES), null), []);
    assert.deepEqual(parsePartitionTable(Buffer.alloc(100), null), []);
    const bootSector = mbr([]);
    bootSector.write('This is not a bootable disk.  Please insert a bootable floppy', 446 - 20, 'latin1');
    assert.deepEqual(parsePartitionTable(bootSector, null), []);
  });

  test('skips empty entries, keeps MBR numbering, clips to the image and drops what lies past it', () => {
    const head = mbr([
      { status: 0x80, type: 0x0c, first: 2048, sectors: 4096 },
      { type: 0, first: 0, sectors: 0 },
      { type: 0x83, first: 8192, sectors: 100000 },
      { type: 0x83, first: 200000, sectors: 10 },
    ]);
    assert.deepEqual(parsePartitionTable(head, 20000 * 512), [
      { index: 1, offset: 2048 * 512, size: 4096 * 512, type: '0x0c', bootable: true, fs: 'other' },
      { index: 3, offset: 8192 * 512, size: (20000 - 8192) * 512, type: '0x83', bootable: false, fs: 'other' },
    ]);
    assert.equal(parsePartitionTable(head, null).length, 3);
  });
});
