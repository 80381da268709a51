import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Drive as DrivelistDrive } from 'drivelist';
import { driveSchema } from '../../shared/domain/drive';
import { fromDrivelist, selectDrives } from '../../electron/core/drives/map-drive';
import { mountpointsOf, readLoopDrive } from '../../electron/core/drives/loop-device';
import { resolveTarget } from '../../electron/core/drives/resolve-target';
import { listDrives } from '../../electron/core/drives/list-drives';

/** Shaped like drivelist 12's output on Linux (lsblk enumerator), as captured on this machine. */
function drivelistDrive(overrides: Partial<DrivelistDrive> = {}): DrivelistDrive {
  return {
    enumerator: 'lsblk:json',
    busType: 'USB',
    busVersion: null,
    device: '/dev/sdb',
    devicePath: null,
    raw: '/dev/sdb',
    description: 'SanDisk Ultra Fit ',
    error: null,
    size: 32_015_679_488,
    blockSize: 512,
    logicalBlockSize: 512,
    mountpoints: [{ path: '/media/me/CARD', label: 'CARD' }],
    isReadOnly: false,
    isSystem: false,
    isVirtual: false,
    isRemovable: true,
    isCard: null,
    isSCSI: false,
    isUSB: true,
    isUAS: null,
    partitionTableType: 'mbr',
    ...overrides,
  };
}

describe('fromDrivelist', () => {
  it('maps a USB card to a valid Drive with trimmed description and mountpoint paths', () => {
    const drive = fromDrivelist(drivelistDrive());
    assert.deepEqual(drive, {
      device: '/dev/sdb',
      description: 'SanDisk Ultra Fit',
      size: 32_015_679_488,
      isSystem: false,
      isRemovable: true,
      isReadOnly: false,
      isVirtual: false,
      kind: 'drive',
      mountpoints: ['/media/me/CARD'],
      busType: 'USB',
    });
    assert.equal(driveSchema.safeParse(drive).success, true);
  });

  it('keeps the system flag of the disk holding /', () => {
    const drive = fromDrivelist(drivelistDrive({ device: '/dev/vda', description: '0x1af4', isSystem: true, isRemovable: false, mountpoints: [{ path: '/', label: null }] }));
    assert.equal(drive.isSystem, true);
  });

  it('treats zram swap and ramdisks as system drives, although drivelist calls them removable', () => {
    const zram = fromDrivelist(drivelistDrive({ device: '/dev/zram0', description: '', busType: 'UNKNOWN', size: null, isVirtual: true, isRemovable: true, mountpoints: [] }));
    assert.equal(zram.isSystem, true);
    assert.equal(zram.description, 'Drive');
    assert.equal(zram.size, null);
    assert.equal(fromDrivelist(drivelistDrive({ device: '/dev/ram0' })).isSystem, true);
  });

  it('treats a removable disk carrying /home or swap as a system drive', () => {
    assert.equal(fromDrivelist(drivelistDrive({ mountpoints: [{ path: '/home', label: null }] })).isSystem, true);
    assert.equal(fromDrivelist(drivelistDrive({ mountpoints: [{ path: '[SWAP]', label: null }] })).isSystem, true);
    assert.equal(fromDrivelist(drivelistDrive({ mountpoints: [{ path: '/media/me/home', label: null }] })).isSystem, false);
  });

  it('names a drive without a model after its bus', () => {
    assert.equal(fromDrivelist(drivelistDrive({ description: '  ' })).description, 'USB drive');
  });

  it('carries the read-only flag of a locked card', () => {
    assert.equal(fromDrivelist(drivelistDrive({ isReadOnly: true })).isReadOnly, true);
  });
});

describe('selectDrives / listDrives', () => {
  const drives = [drivelistDrive(), drivelistDrive({ device: '/dev/vda', isSystem: true })].map(fromDrivelist);
  it('hides system drives unless all are asked for', async () => {
    assert.deepEqual(selectDrives(drives, false).map((d) => d.device), ['/dev/sdb']);
    assert.deepEqual(selectDrives(drives, true).map((d) => d.device), ['/dev/sdb', '/dev/vda']);
    assert.deepEqual((await listDrives({}, async () => drives)).map((d) => d.device), ['/dev/sdb']);
  });
});

describe('loop devices from sysfs', () => {
  const sysRoot = mkdtempSync(path.join(os.tmpdir(), 'fiot-sys-'));
  after(() => rmSync(sysRoot, { recursive: true, force: true }));
  function fakeLoop(name: string, files: Record<string, string>): void {
    mkdirSync(path.join(sysRoot, 'block', name, 'loop'), { recursive: true });
    for (const [file, content] of Object.entries(files)) writeFileSync(path.join(sysRoot, 'block', name, file), content + '\n');
  }

  it('reads size, read-only flag and backing file', () => {
    fakeLoop('loop7', { size: '524288', ro: '0', 'loop/backing_file': '/tmp/card one.img' });
    const drive = readLoopDrive('/dev/loop7', { sysRoot, mountsTable: '', swapsTable: '' });
    assert.equal(drive.size, 256 * 1024 * 1024);
    assert.equal(drive.isReadOnly, false);
    assert.equal(drive.kind, 'loop');
    assert.equal(drive.backingFile, '/tmp/card one.img');
    assert.equal(drive.isSystem, false);
    assert.equal(driveSchema.safeParse(drive).success, true);
  });

  it('sees a read-only loop device', () => {
    fakeLoop('loop8', { size: '2048', ro: '1', 'loop/backing_file': '/tmp/x.img' });
    assert.equal(readLoopDrive('/dev/loop8', { sysRoot, mountsTable: '', swapsTable: '' }).isReadOnly, true);
  });

  it('marks a loop device as system when one of its partitions is mounted at /', () => {
    fakeLoop('loop9', { size: '2048', ro: '0', 'loop/backing_file': '/tmp/x.img' });
    const drive = readLoopDrive('/dev/loop9', { sysRoot, mountsTable: '/dev/loop9p2 / ext4 rw 0 0\n', swapsTable: '' });
    assert.equal(drive.isSystem, true);
    assert.deepEqual(drive.mountpoints, ['/']);
  });

  it('marks a loop device used as swap as system', () => {
    fakeLoop('loop10', { size: '2048', ro: '0', 'loop/backing_file': '/swapfile' });
    const swaps = 'Filename\tType\tSize\tUsed\tPriority\n/dev/loop10 partition 1020 0 -2\n';
    assert.equal(readLoopDrive('/dev/loop10', { sysRoot, mountsTable: '', swapsTable: swaps }).isSystem, true);
  });

  it('refuses a loop device that is not attached, in the words of a card taken out', () => {
    fakeLoop('loop11', { size: '0', ro: '0' });
    // A loop device stands in for a card reader: its user is told about the card, not about losetup.
    assert.throws(() => readLoopDrive('/dev/loop11', { sysRoot }), (e: Error & { code?: string; hint?: string }) => e.code === 'TARGET_NOT_FOUND' && /put it back in/.test(e.hint ?? '') && !/losetup/.test(e.hint ?? ''));
  });

  it('refuses a loop device that does not exist', () => {
    assert.throws(() => readLoopDrive('/dev/loop99', { sysRoot }), { code: 'TARGET_NOT_FOUND' });
  });

  it('finds mountpoints of partitions, not of other devices with the same prefix', () => {
    const table = '/dev/loop1 /mnt/a ext4 rw 0 0\n/dev/loop1p1 /mnt/with\\040space vfat rw 0 0\n/dev/loop12 /mnt/other ext4 rw 0 0\n';
    assert.deepEqual(mountpointsOf('/dev/loop1', table), ['/mnt/a', '/mnt/with space']);
  });
});

describe('resolveTarget for image files', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-target-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const noDrives = async () => [];

  it('accepts a new file in an existing folder, size unknown', async () => {
    const drive = await resolveTarget(path.join(dir, 'new.img'), { listAll: noDrives });
    assert.equal(drive.kind, 'file');
    assert.equal(drive.size, null);
    assert.equal(drive.isSystem, false);
  });

  it('accepts an existing disk image file (an earlier write) and reports its size', async () => {
    const image = Buffer.alloc(4096);
    image[510] = 0x55;
    image[511] = 0xaa;
    writeFileSync(path.join(dir, 'old.img'), image);
    const drive = await resolveTarget(path.join(dir, 'old.img'), { listAll: noDrives });
    assert.equal(drive.size, 4096);
    assert.equal(drive.device, path.join(dir, 'old.img'));
  });

  it('refuses an existing file that is not a disk image, and leaves it alone', async () => {
    const keys = path.join(dir, 'authorized_keys');
    writeFileSync(keys, 'ssh-ed25519 AAAA me@laptop\n');
    await assert.rejects(resolveTarget(keys, { listAll: noDrives }), (e: Error & { code?: string }) => e.code === 'INVALID_INPUT' && /not a disk image/.test(e.message));
    assert.equal(readFileSync(keys, 'utf8'), 'ssh-ed25519 AAAA me@laptop\n');
  });

  it('refuses a symlink, even to a disk image file', async () => {
    const link = path.join(dir, 'link.img');
    symlinkSync(path.join(dir, 'old.img'), link);
    await assert.rejects(resolveTarget(link, { listAll: noDrives }), (e: Error & { code?: string }) => e.code === 'INVALID_INPUT' && /symbolic link/.test(e.message));
  });

  it('refuses a folder', async () => {
    await assert.rejects(resolveTarget(dir, { listAll: noDrives }), { code: 'INVALID_INPUT' });
  });

  it('refuses a file in a folder that does not exist', async () => {
    await assert.rejects(resolveTarget(path.join(dir, 'missing', 'x.img'), { listAll: noDrives }), { code: 'TARGET_NOT_FOUND' });
  });

  it('refuses a /dev path that does not exist instead of creating a file there', async () => {
    await assert.rejects(resolveTarget('/dev/sdzz9', { listAll: noDrives }), { code: 'TARGET_NOT_FOUND' });
  });

  it('refuses a character device', async () => {
    await assert.rejects(resolveTarget('/dev/null', { listAll: noDrives }), { code: 'INVALID_INPUT' });
  });

  it('refuses an empty name', async () => {
    await assert.rejects(resolveTarget('  ', { listAll: noDrives }), { code: 'INVALID_INPUT' });
  });
});
