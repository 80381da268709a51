import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Drive } from '../../shared/domain/drive';
import {
  checkTarget,
  isLarge,
  isReadOnly,
  isSourceDrive,
  isSystemDrive,
  isTooSmall,
  LARGE_DRIVE_BYTES,
} from '../../shared/drive-constraints';
import { formatSize } from '../../shared/format-size';

const GB = 1e9;

function drive(overrides: Partial<Drive> = {}): Drive {
  return {
    device: '/dev/sdb',
    description: 'SanDisk Ultra',
    size: 32 * GB,
    isSystem: false,
    isRemovable: true,
    isReadOnly: false,
    isVirtual: false,
    kind: 'drive',
    mountpoints: [],
    ...overrides,
  };
}

describe('isSystemDrive', () => {
  it('follows the drive’s system flag', () => {
    assert.equal(isSystemDrive(drive({ isSystem: true })), true);
    assert.equal(isSystemDrive(drive()), false);
  });
});

describe('isReadOnly', () => {
  it('follows the drive’s read-only flag', () => {
    assert.equal(isReadOnly(drive({ isReadOnly: true })), true);
    assert.equal(isReadOnly(drive()), false);
  });
});

describe('isTooSmall', () => {
  it('is true when the image is one byte larger than the drive', () => {
    assert.equal(isTooSmall(drive({ size: 1000 }), 1001), true);
  });
  it('is false when the image exactly fills the drive', () => {
    assert.equal(isTooSmall(drive({ size: 1000 }), 1000), false);
  });
  it('is false when the image size is not known yet', () => {
    assert.equal(isTooSmall(drive({ size: 1000 }), null), false);
  });
  it('is false when the drive size is not known', () => {
    assert.equal(isTooSmall(drive({ size: null }), 5000), false);
  });
  it('never applies to an image-file target, which grows', () => {
    assert.equal(isTooSmall(drive({ kind: 'file', size: 10 }), 5000), false);
  });
});

describe('isLarge', () => {
  it('is false at exactly the threshold and true above it', () => {
    assert.equal(isLarge(drive({ size: LARGE_DRIVE_BYTES })), false);
    assert.equal(isLarge(drive({ size: LARGE_DRIVE_BYTES + 1 })), true);
  });
  it('is false for unknown sizes and for files', () => {
    assert.equal(isLarge(drive({ size: null })), false);
    assert.equal(isLarge(drive({ kind: 'file', size: 500 * GB })), false);
  });
});

describe('isSourceDrive', () => {
  const mounted = drive({ mountpoints: ['/media/me/CARD'] });
  it('is true when the source lives on a mounted filesystem of the drive', () => {
    assert.equal(isSourceDrive(mounted, '/media/me/CARD/fedora.raw.xz'), true);
    assert.equal(isSourceDrive(mounted, '/media/me/CARD/sub/dir/fedora.raw.xz'), true);
  });
  it('is false for a sibling folder that merely shares a prefix', () => {
    assert.equal(isSourceDrive(mounted, '/media/me/CARD2/fedora.raw.xz'), false);
  });
  it('tolerates a trailing separator on the mountpoint', () => {
    assert.equal(isSourceDrive(drive({ mountpoints: ['/media/me/CARD/'] }), '/media/me/CARD/a.img'), true);
  });
  it('compares Windows paths with either separator', () => {
    const windows = drive({ device: '\\\\.\\PhysicalDrive2', mountpoints: ['E:\\'] });
    assert.equal(isSourceDrive(windows, 'E:\\images\\fedora.raw.xz'), true);
    assert.equal(isSourceDrive(windows, 'D:\\images\\fedora.raw.xz'), false);
  });
  it('is true when the target is the source file itself', () => {
    assert.equal(isSourceDrive(drive({ kind: 'file', device: '/tmp/a.img' }), '/tmp/a.img'), true);
    assert.equal(isSourceDrive(drive({ kind: 'file', device: '/tmp/b.img' }), '/tmp/a.img'), false);
  });
  it('is true for a loop device backed by the source file', () => {
    const loop = drive({ kind: 'loop', device: '/dev/loop3', backingFile: '/srv/img/fedora.raw' });
    assert.equal(isSourceDrive(loop, '/srv/img/fedora.raw'), true);
    assert.equal(isSourceDrive(loop, '/srv/img/other.raw'), false);
  });
  it('is false without a local source path (a download not on disk yet)', () => {
    assert.equal(isSourceDrive(mounted, undefined), false);
  });
  it('is false for an unmounted drive', () => {
    assert.equal(isSourceDrive(drive(), '/home/me/fedora.raw.xz'), false);
  });
});

describe('checkTarget', () => {
  it('accepts a removable card large enough, with no warnings', () => {
    const check = checkTarget(drive(), { size: 4 * GB, path: '/home/me/fedora.raw.xz' });
    assert.deepEqual(check, { ok: true, errors: [], warnings: [] });
  });

  it('refuses a system drive with TARGET_SYSTEM and says what to do', () => {
    const check = checkTarget(drive({ device: '/dev/vda', isSystem: true, isRemovable: false }), { size: 1 });
    assert.equal(check.ok, false);
    assert.deepEqual(check.errors.map((e) => e.code), ['TARGET_SYSTEM']);
    assert.match(check.errors[0]!.message, /\/dev\/vda/);
    assert.match(check.errors[0]!.message, /Choose a removable card or stick/);
  });

  it('refuses a read-only card and tells how to unlock it', () => {
    const check = checkTarget(drive({ isReadOnly: true }), { size: 1 });
    assert.deepEqual(check.errors.map((e) => e.code), ['TARGET_READ_ONLY']);
    assert.match(check.errors[0]!.message, /lock switch/);
  });

  it('refuses a card that is too small and names the size needed', () => {
    const check = checkTarget(drive({ size: 4 * GB }), { size: 6 * GB });
    assert.deepEqual(check.errors.map((e) => e.code), ['TARGET_TOO_SMALL']);
    assert.match(check.errors[0]!.message, /6 GB/);
  });

  it('says the way out of a card too small once, in the board’s word', () => {
    const [pi] = checkTarget(drive({ size: 4 * GB }), { size: 6 * GB }, false, { one: 'card', many: 'cards' }).errors;
    const said = `${pi!.message} ${pi!.hint}`;
    assert.equal(said, '/dev/sdb (SanDisk Ultra 4 GB) is too small: the image needs 6 GB. Use a card of at least 6 GB.');
    assert.equal(said.match(/\bUse\b/g)?.length, 1, said);
    const [none] = checkTarget(drive({ size: 4 * GB }), { size: 6 * GB }).errors;
    assert.equal(none!.hint, 'Use a card or USB stick of at least 6 GB.', 'no board chosen: either');
  });

  it('refuses the drive holding the source', () => {
    const check = checkTarget(drive({ mountpoints: ['/media/card'] }), { size: 1, path: '/media/card/x.raw' });
    assert.deepEqual(check.errors.map((e) => e.code), ['TARGET_IS_SOURCE']);
  });

  it('warns about, but does not refuse, a drive over 128 GB', () => {
    const check = checkTarget(drive({ size: 256 * GB }), { size: 4 * GB });
    assert.equal(check.ok, true);
    assert.deepEqual(check.warnings.map((w) => w.code), ['TARGET_LARGE']);
    assert.match(check.warnings[0]!.message, /128 GB/);
  });

  it('reports every problem at once so the person fixes them in one go', () => {
    const check = checkTarget(drive({ isSystem: true, isReadOnly: true, size: 200 * GB, mountpoints: ['/'] }), { size: 300 * GB, path: '/home/me/a.raw' });
    assert.equal(check.ok, false);
    assert.deepEqual(check.errors.map((e) => e.code).sort(), ['TARGET_IS_SOURCE', 'TARGET_READ_ONLY', 'TARGET_SYSTEM', 'TARGET_TOO_SMALL']);
    assert.deepEqual(check.warnings.map((w) => w.code), ['TARGET_LARGE']);
  });

  it('describes the drive by path, model and size', () => {
    const check = checkTarget(drive({ isSystem: true }), { size: null });
    assert.match(check.errors[0]!.message, /^\/dev\/sdb \(SanDisk Ultra 32 GB\)/);
  });

  it('accepts an image file target that does not exist yet', () => {
    const check = checkTarget(drive({ kind: 'file', device: '/tmp/out.img', size: null, isRemovable: false }), { size: 6 * GB, path: '/tmp/in.raw.xz' });
    assert.deepEqual(check, { ok: true, errors: [], warnings: [] });
  });
});

describe('formatSize', () => {
  it('uses the decimal units printed on cards', () => {
    assert.equal(formatSize(32e9), '32 GB');
    assert.equal(formatSize(31_914_983_424), '31.9 GB');
    assert.equal(formatSize(512), '512 B');
    assert.equal(formatSize(1_500_000), '1.5 MB');
    assert.equal(formatSize(null), 'unknown size');
  });
});
