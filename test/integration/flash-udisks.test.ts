/**
 * Linux without root, the way Fedora Media Writer does it: the core asks a real udisksd (on a
 * private system bus) to open the card, and a writer running as `nobody`, who cannot open the
 * device itself, writes and verifies it through the descriptor UDisks2 returned. Without UDisks2
 * on the bus the core falls back to pkexec.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openWithUdisks } from '../../electron/core/drives/udisks';
import { startFlash } from '../../electron/core/flash/job';
import { spawnWriter } from '../../electron/core/flash/writer-client';
import { writerCommand, type WriterCommand } from '../../electron/core/flash/writer-command';
import { blocksWithMarker, fillWithMarker, readRange } from '../helpers/card-check';
import { createLoopDisk } from '../helpers/loop';
import { startPrivateBus, udisksSkipReason } from '../helpers/private-udisks';
import { commandsSkipReason } from '../helpers/system';

const MiB = 1024 * 1024;
const NOBODY = 65534;
const MARKER = 'old-card-contents;';
// python3: the unprivileged writer's BLKDISCARD on the descriptor it was handed (electron/writer/discard-card.ts).
const skip = udisksSkipReason() ?? commandsSkipReason('python3') ?? false;
let dir = '';
let image = '';
const savedAddress = process.env.DBUS_SYSTEM_BUS_ADDRESS;

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-udisks-flash-'));
  // The writer runs as nobody: it must be able to read the image, as a user reads their own.
  chmodSync(dir, 0o755);
  image = path.join(dir, 'card.img');
  const bytes = randomBytes(12 * MiB);
  bytes[510] = 0x55;
  bytes[511] = 0xaa;
  writeFileSync(image, bytes);
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  if (savedAddress === undefined) delete process.env.DBUS_SYSTEM_BUS_ADDRESS;
  else process.env.DBUS_SYSTEM_BUS_ADDRESS = savedAddress;
});

/** The writer as an unprivileged user would run it: as nobody, with no extra groups. */
function asNobody(command: WriterCommand): WriterCommand {
  return { ...command, command: 'setpriv', args: [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', command.command, ...command.args] };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('UDisks2 opens the card; an unprivileged writer writes it', { skip }, () => {
  it('no UDisks2: no system bus, or a bus without udisksd, means falling back (null)', async () => {
    process.env.DBUS_SYSTEM_BUS_ADDRESS = `unix:path=${path.join(dir, 'no-bus-here')}`;
    assert.equal(await openWithUdisks(['/dev/loop0']), null);
    const bus = await startPrivateBus();
    try {
      process.env.DBUS_SYSTEM_BUS_ADDRESS = bus.address;
      assert.equal(await openWithUdisks(['/dev/loop0']), null);
    } finally {
      await bus.stop();
    }
  });

  it('an unprivileged writer never opens a drive by its path, and refuses a descriptor that is not the drive', async () => {
    const card = createLoopDisk(16 * MiB, 'fiot-udisks-unprivileged-');
    try {
      const command = asNobody(writerCommand(false, { platform: 'linux', root: false, env: process.env }));
      const byPath = await spawnWriter({ source: image, targets: [{ device: card.device }], verify: true }, command, () => undefined).result;
      assert.equal(byPath.targets[0]?.error?.code, 'PERMISSION_DENIED', JSON.stringify(byPath.targets[0]));
      assert.match(byPath.targets[0]?.error?.message ?? '', /given none/);
      // A descriptor of some other file handed in under the card's name.
      const other = openSync(image, 'r');
      const wrongFd = await spawnWriter({ source: image, targets: [{ device: card.device, descriptor: 3 }], verify: true }, command, () => undefined, [other]).result;
      assert.equal(wrongFd.targets[0]?.error?.code, 'INVALID_INPUT', JSON.stringify(wrongFd.targets[0]));
      assert.match(wrongFd.targets[0]?.error?.message ?? '', /is not \/dev\/loop/);
      assert.equal(card.sectorsWritten(), 0);
    } finally {
      card.dispose();
    }
  });

  it('flashes a loop device through OpenDevice, as nobody; the card holds the image, verified, with its old contents discarded through the descriptor', { timeout: 120_000 }, async () => {
    const card = createLoopDisk(16 * MiB, 'fiot-udisks-card-');
    const bus = await startPrivateBus();
    try {
      // A used card: its last 4 MiB, past the 12 MiB image, keep whatever it held unless it is discarded.
      fillWithMarker(card.device, 16 * MiB, MARKER);
      await bus.withUdisks([card.device]);
      process.env.DBUS_SYSTEM_BUS_ADDRESS = bus.address;
      const cannotOpen = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, '-e', `require('fs').openSync(${JSON.stringify(card.device)}, 'r+')`], { encoding: 'utf8' });
      assert.match(cannotOpen.stderr, /EACCES/, 'nobody cannot open the card by its path');

      const asked: boolean[] = [];
      const result = await startFlash({ source: image, targets: [card.device], verify: true }, {
        writerHost: { platform: 'linux', root: false, env: process.env },
        writerCommand: (needsPrivilege) => (asked.push(needsPrivilege), asNobody(writerCommand(needsPrivilege, { platform: 'linux', root: false, env: process.env }))),
      }).result;
      assert.deepEqual(asked, [false], 'an unprivileged writer was asked for, never pkexec');
      assert.equal(result.ok, true, JSON.stringify(result.error ?? result.targets));
      assert.equal(result.targets[0]?.verified, true);
      assert.equal(sha256(readRange(card.device, 0, 12 * MiB)), sha256(readFileSync(image)));
      assert.deepEqual(result.targets[0]?.oldData, { discarded: true }, 'BLKDISCARD on the descriptor UDisks2 handed over (python3), no rights to the device node needed');
      assert.deepEqual(blocksWithMarker(card.device, 16 * MiB, MARKER), [], 'nothing of the old contents is left past the image');
    } finally {
      await bus.stop();
      card.dispose();
    }
  });
});
