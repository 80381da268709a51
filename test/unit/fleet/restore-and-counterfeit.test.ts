/** The pure parts of restore (filesystem, label, partition table) and the counterfeit verdict on write errors. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Drive } from '../../../shared/domain/drive';
import { checkRestore, FAT32_LIMIT_BYTES, restoreFilesystem, restoreLabelProblem } from '../../../shared/domain/restore';
import { classifyIoError } from '../../../electron/writer/io-errors';
import { onePartitionMbr, partitionSpan, PARTITION_TYPE } from '../../../electron/writer/mbr';
import { hasCommand } from '../../helpers/system';

const GB = 1e9;
const card = (overrides: Partial<Drive> = {}): Drive => ({
  device: '/dev/sdx', description: 'SD reader', size: 16 * GB, isSystem: false, isRemovable: true, isReadOnly: false, isVirtual: false, kind: 'drive', mountpoints: [], ...overrides,
});

test('FAT32 up to 32 GiB, exFAT above', () => {
  assert.equal(restoreFilesystem(FAT32_LIMIT_BYTES), 'fat32');
  assert.equal(restoreFilesystem(FAT32_LIMIT_BYTES + 512), 'exfat');
});

test('labels: what each filesystem can hold', () => {
  assert.equal(restoreLabelProblem('FIELD KIT', 'fat32'), null);
  assert.match(restoreLabelProblem('TWELVE-CHARS', 'fat32') ?? '', /at most 11/);
  assert.match(restoreLabelProblem('A.B', 'fat32') ?? '', /may not contain/);
  assert.match(restoreLabelProblem('Feldkit Ü', 'fat32') ?? '', /plain ASCII/);
  assert.equal(restoreLabelProblem('Feldkit Ü', 'exfat'), null);
  assert.match(restoreLabelProblem('', 'exfat') ?? '', /empty/);
});

test('restore is refused for system, read-only and image-file targets, like every write', () => {
  assert.throws(() => checkRestore(card({ isSystem: true, device: '/dev/vda' }), 'CARD'), { code: 'TARGET_SYSTEM' });
  assert.throws(() => checkRestore(card({ isReadOnly: true }), 'CARD'), { code: 'TARGET_READ_ONLY' });
  assert.throws(() => checkRestore(card({ kind: 'file', device: '/tmp/x.img' }), 'CARD'), { code: 'INVALID_INPUT' });
  assert.deepEqual(checkRestore(card({ size: 64 * GB }), 'Sensors'), { filesystem: 'exfat', size: 64 * GB });
});

test('the MBR holds one partition from 1 MiB to the last whole MiB, as sfdisk reads it', { skip: hasCommand('sfdisk') ? false : 'needs sfdisk' }, () => {
  const size = 100 * 1024 * 1024 + 12345;
  const span = partitionSpan(size);
  assert.deepEqual(span, { offset: 1 << 20, size: 99 << 20 });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-mbr-'));
  try {
    const file = path.join(dir, 'disk.img');
    writeFileSync(file, Buffer.concat([onePartitionMbr(span, PARTITION_TYPE.fat32, 0x12345678), Buffer.alloc(size - 512)]));
    const table = JSON.parse(execFileSync('sfdisk', ['--json', file], { encoding: 'utf8' })) as { partitiontable: { label: string; id: string; partitions: Array<{ start: number; size: number; type: string }> } };
    assert.equal(table.partitiontable.label, 'dos');
    assert.equal(table.partitiontable.id, '0x12345678');
    assert.deepEqual(table.partitiontable.partitions.map(({ start, size: sectors, type }) => ({ start, sectors, type })), [{ start: 2048, sectors: 99 * 2048, type: 'c' }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a write error inside the claimed size says counterfeit or failing, with what the card took', () => {
  const enospc = Object.assign(new Error('no space'), { code: 'ENOSPC' });
  const inside = classifyIoError(enospc, '/dev/sdx', { offset: 120e6, accepted: 100e6, claimedSize: 4.29 * GB });
  assert.equal(inside.code, 'TARGET_COUNTERFEIT');
  assert.equal(inside.message, '/dev/sdx is probably counterfeit or failing: it accepted about 100 MB of its claimed 4.29 GB.');
  assert.equal(classifyIoError(enospc, '/dev/sdx', { offset: 4.29 * GB, accepted: 4e9, claimedSize: 4.29 * GB }).code, 'TARGET_TOO_SMALL', 'past its claimed end it is only too small');
  assert.equal(classifyIoError(enospc, '/tmp/card.img', { offset: 0, accepted: 0, claimedSize: null }).code, 'TARGET_TOO_SMALL', 'a file target claims no size');
  // EIO from a device that is still there: the flash failed inside its claimed size.
  const eio = Object.assign(new Error('i/o'), { code: 'EIO' });
  assert.equal(classifyIoError(eio, '/dev/null', { offset: 1e6, accepted: 1e6, claimedSize: GB }).code, 'TARGET_COUNTERFEIT');
});
