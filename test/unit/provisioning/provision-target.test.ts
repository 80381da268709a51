import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkProvisionTarget } from '../../../shared/domain/provision-target';
import type { Drive } from '../../../shared/domain/drive';
import { FiotError } from '../../../shared/errors';

const drive = (overrides: Partial<Drive> = {}): Drive => ({
  device: '/dev/sdz', description: 'Card reader', size: 32e9, isSystem: false, isRemovable: true, isReadOnly: false,
  isVirtual: false, kind: 'drive', mountpoints: [], ...overrides,
});

function refusal(target: Drive): string {
  try {
    checkProvisionTarget(target);
  } catch (error) {
    assert.ok(error instanceof FiotError);
    return error.code;
  }
  return 'accepted';
}

describe('checkProvisionTarget', () => {
  it('refuses system, read-only, mounted and missing targets before anything is opened', () => {
    assert.equal(refusal(drive({ isSystem: true })), 'TARGET_SYSTEM');
    assert.equal(refusal(drive({ isReadOnly: true })), 'TARGET_READ_ONLY');
    assert.equal(refusal(drive({ mountpoints: ['/run/media/me/boot'] })), 'TARGET_BUSY');
    assert.equal(refusal(drive({ kind: 'file', size: null })), 'TARGET_NOT_FOUND');
    assert.equal(refusal(drive({ size: 0 })), 'TARGET_NOT_FOUND');
  });

  it('accepts a removable card, a loop device and an image file, answering their size', () => {
    assert.equal(checkProvisionTarget(drive()), 32e9);
    assert.equal(checkProvisionTarget(drive({ device: '/dev/loop7', kind: 'loop', isRemovable: false, size: 1 << 28 })), 1 << 28);
    assert.equal(checkProvisionTarget(drive({ device: '/tmp/card.img', kind: 'file', isRemovable: false, size: 1 << 27 })), 1 << 27);
  });
});
