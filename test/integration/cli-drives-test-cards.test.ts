/**
 * `fiot-flash drives` lists what `flash --drive` is offered, in the same words: with stand-in card
 * readers (FIOT_TEST_CARD_DIR, loop devices over files in one folder), a card "inserted" there is
 * listed as a removable card named as the erase prompt names it; a loop device elsewhere is not
 * listed (it may still be named explicitly), and without the folder no loop device is listed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Drive } from '../../shared/domain/drive';
import { formatSize } from '../../shared/format-size';
import { makeFixture, type Fixture } from '../fixtures/fixture';
import { resultLine } from '../helpers/cli-json';
import { createLoopDisk, insertTestCard, type LoopDevice } from '../helpers/loop';
import { runCli } from '../helpers/run-cli';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { answerOnTerminal } from '../helpers/terminal';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/fiot-flash.mjs');
const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? commandsSkipReason('script', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy') ?? false;

describe('fiot-flash drives lists the stand-in cards flash --drive is offered', { skip }, () => {
  let work: string;
  let cardDir: string;
  let fixture: Fixture;
  let card: LoopDevice;
  let elsewhere: ReturnType<typeof createLoopDisk>;
  let env: Record<string, string>;

  before(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'fiot-cli-test-cards-'));
    cardDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-readers-'));
    fixture = await makeFixture();
    card = insertTestCard(cardDir, 'reader-1', fixture.size + 8 * MiB);
    elsewhere = createLoopDisk(fixture.size + 8 * MiB);
    env = { FIOT_CONFIG_DIR: path.join(work, 'config'), FIOT_CACHE_DIR: path.join(work, 'cache'), FIOT_TEST_CARD_DIR: cardDir };
  });

  after(() => {
    card?.detach();
    elsewhere?.dispose();
    rmSync(cardDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('lists the inserted card as removable, named as the erase prompt names it, and no other loop device', { timeout: 180_000 }, async () => {
    const listed = await runCli(['drives', '--json'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const { drives } = resultLine<{ ok: boolean; drives: Drive[] }>(listed.stdout);
    const inserted = drives.find((d) => d.device === card.device);
    assert.ok(inserted, `${card.device} is listed: ${JSON.stringify(drives.map((d) => d.device))}`);
    assert.equal(inserted.description, 'Test card reader-1.img');
    assert.equal(inserted.isRemovable, true);
    assert.equal(inserted.size, fixture.size + 8 * MiB);
    assert.equal(drives.some((d) => d.device === elsewhere.device), false, 'a loop device outside the readers’ folder is not a card');

    const table = await runCli(['drives'], env);
    const row = table.stdout.split('\n').find((line) => line.startsWith(`${card.device} `));
    assert.ok(row, table.stdout);
    assert.match(row, /Test card reader-1\.img +removable$/);

    const before = card.sectorsWritten();
    const { transcript: prompt } = await answerOnTerminal([process.execPath, bin, 'flash', fixture.path, '--drive', card.device].join(' '), 'n', { env });
    assert.match(prompt, new RegExp(`This will erase everything on ${card.device} \\(Test card reader-1\\.img ${formatSize(inserted.size!).replace('.', '\\.')}\\)\\. Erase it\\? \\[y/N\\] `));
    assert.match(prompt, /Nothing was written/);
    assert.equal(card.sectorsWritten(), before, 'answered no: not a sector written');
  });

  it('without the readers’ folder, no loop device is listed', { timeout: 60_000 }, async () => {
    const { FIOT_TEST_CARD_DIR: _folder, ...plain } = env;
    const listed = await runCli(['drives', '--json'], plain);
    const { drives } = resultLine<{ ok: boolean; drives: Drive[] }>(listed.stdout);
    assert.equal(drives.some((d) => d.device === card.device || d.device === elsewhere.device), false);
  });
});
