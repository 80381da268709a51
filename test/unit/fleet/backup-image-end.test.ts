/** Where a saved card's image ends: after its last partition (whole MiB), or the whole card for GPT and for no table. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageEnd } from '../../../electron/core/backup/backup-card';
import { mbrHead as mbr } from '../../helpers/mbr-head';

const MiB = 1024 * 1024;
const CARD = 64e9;

test('an MBR card: the image ends with its last partition, rounded up to a whole MiB', () => {
  const head = mbr([{ type: 0x0c, first: 2048, sectors: 1024000 }, { type: 0x83, first: 1026048, sectors: 4194304 + 7 }]);
  const end = (1026048 + 4194304 + 7) * 512;
  assert.equal(imageEnd(head, CARD), Math.ceil(end / MiB) * MiB);
  assert.ok(imageEnd(head, CARD) < CARD);
});

test('a GPT card (protective MBR) and a card without a table are saved whole', () => {
  assert.equal(imageEnd(mbr([{ type: 0xee, first: 1, sectors: 0xffffffff }]), CARD), CARD);
  assert.equal(imageEnd(Buffer.alloc(64 * 1024), CARD), CARD);
});

test('a partition said to reach past the card ends the image at the card’s end', () => {
  assert.equal(imageEnd(mbr([{ type: 0x83, first: 2048, sectors: 200_000_000 }]), CARD), CARD);
});
