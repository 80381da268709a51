/** What the result says to do with the written card or stick, per board (renderer/src/features/write/device-words.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadBoards } from '../../electron/core/catalog/assets';
import { deviceKind, deviceWords, mediumWords } from '../../renderer/src/features/write/device-words';

const boards = loadBoards();
const board = (id: string) => boards.find((b) => b.id === id)!;
const withPassword = { user: 'maya', password: true };

describe('deviceWords', () => {
  it('knows each listed board as a PC, a Pi, a UEFI Arm machine or another Arm board', () => {
    const kinds = Object.fromEntries(boards.map((b) => [b.id, deviceKind(b)]));
    assert.deepEqual(kinds, {
      rpi4: 'raspberry-pi', rpi3: 'raspberry-pi', 'rpi-zero2w': 'raspberry-pi', 'uefi-x86_64': 'pc', 'uefi-aarch64': 'uefi-arm',
      rockpro64: 'arm-board', 'rock-pi-4': 'arm-board', 'pinebook-pro': 'arm-board', 'orangepi-pc2': 'arm-board', rpi5: 'raspberry-pi',
    });
    assert.equal(deviceKind(null), 'unknown');
  });

  it('a PC: a stick, the boot menu key, UEFI, Secure Boot, running from the stick, the console login', () => {
    const { medium, steps } = deviceWords(board('uefi-x86_64'), withPassword, false);
    assert.deepEqual(medium, { one: 'USB stick', many: 'USB sticks' });
    const words = steps.join('\n');
    for (const expected of [/boot menu key: F12/, /UEFI mode only/, /turn Secure Boot off/, /runs from the stick itself/, /At the console, log in as maya with the password you set/]) assert.match(words, expected);
  });

  it('a Pi: the card in its slot; a user without a password is sent to SSH, no user means no login line', () => {
    const pi = deviceWords(board('rpi4'), { user: 'core', password: false }, false);
    assert.deepEqual(pi.medium, { one: 'card', many: 'cards' });
    assert.match(pi.steps[0]!, /^Connect the Raspberry Pi 4.* to your network: plug a network cable from your router into it \(no Wi-Fi was set up/);
    assert.match(pi.steps[1]!, /microSD slot/);
    assert.match(pi.steps.join('\n'), /core has no password, so the console will not let them in: log in over SSH/);
    assert.doesNotMatch(pi.steps.join('\n'), /Secure Boot|boot menu/);
    assert.equal(deviceWords(board('rpi3'), { user: null, password: false }, false).steps.length, 3);
    assert.match(deviceWords(board('rpi3'), { user: null, password: false, wifi: true }, false).steps[0]!, /, or let it join the Wi-Fi network set up for its first boot\.$/);
  });

  it('a board that needs its own U-Boot says so; no board chosen keeps the plain words', () => {
    assert.match(deviceWords(board('rockpro64'), withPassword, false).steps[1]!, /Its own U-Boot must already be on SPI flash/);
    assert.deepEqual(deviceWords(null, withPassword, true), { medium: { one: 'card or USB stick', many: 'cards or USB sticks' }, steps: [
      'Connect each device to your network: plug a network cable from your router into it (no Wi-Fi was set up for its first boot, so the cable is its way in).',
      'Put each one in the device it is for and power it on.',
    ] });
  });

  it('names the medium by the board: a card for a Pi or an Arm board, a USB stick for a PC, both when either fits or none is chosen', () => {
    const named = Object.fromEntries(boards.map((b) => [b.id, mediumWords(b).one]));
    assert.equal(named['uefi-x86_64'], 'USB stick');
    for (const id of ['rpi4', 'rpi3', 'rpi5', 'rpi-zero2w', 'rockpro64', 'pinebook-pro']) assert.equal(named[id], 'card', id);
    assert.equal(named['uefi-aarch64'], 'card or USB stick');
    assert.deepEqual(mediumWords(null), { one: 'card or USB stick', many: 'cards or USB sticks' });
  });
});
