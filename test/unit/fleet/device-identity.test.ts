/** Which card a device is, for the batch record: sysfs model and serial; a loop device's backing file as its serial. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { identifyDevice } from '../../../electron/core/drives/device-identity';

test('model and serial come from sysfs; a loop device and an image file name their file', () => {
  const sys = mkdtempSync(path.join(os.tmpdir(), 'fiot-sys-'));
  try {
    // A stand-in /sys/block: an mmc card reports its name and serial on the device itself.
    mkdirSync(path.join(sys, 'mmcblk0', 'device'), { recursive: true });
    writeFileSync(path.join(sys, 'mmcblk0', 'device', 'name'), 'SD32G\n');
    writeFileSync(path.join(sys, 'mmcblk0', 'device', 'serial'), '0x1234abcd\n');
    mkdirSync(path.join(sys, 'sdb', 'device'), { recursive: true });
    writeFileSync(path.join(sys, 'sdb', 'device', 'vendor'), 'Generic \n');
    writeFileSync(path.join(sys, 'sdb', 'device', 'model'), 'STORAGE DEVICE\n');
    mkdirSync(path.join(sys, 'loop7', 'loop'), { recursive: true });
    writeFileSync(path.join(sys, 'loop7', 'loop', 'backing_file'), '/srv/cards/seven.img\n');

    assert.deepEqual(identifyDevice({ device: '/dev/mmcblk0', kind: 'drive' }, sys), { model: 'SD32G', serial: '0x1234abcd' });
    assert.deepEqual(identifyDevice({ device: '/dev/sdb', kind: 'drive' }, sys), { model: 'Generic STORAGE DEVICE' });
    assert.deepEqual(identifyDevice({ device: '/dev/loop7', kind: 'loop' }, sys), { model: 'loop device', serial: '/srv/cards/seven.img' });
    assert.deepEqual(identifyDevice({ device: '/dev/loop7', kind: 'loop', backingFile: '/known.img' }, sys), { model: 'loop device', serial: '/known.img' });
    assert.deepEqual(identifyDevice({ device: '/tmp/card.img', kind: 'file' }, sys), { model: 'image file', serial: '/tmp/card.img' });
    assert.deepEqual(identifyDevice({ device: '/dev/sdq', kind: 'drive' }, sys), {}, 'a device sysfs does not know has neither');
  } finally {
    rmSync(sys, { recursive: true, force: true });
  }
});
