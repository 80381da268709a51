/**
 * The flash job's own board check, which every front end goes through (the app and the station
 * send `board` with the request): a mismatch fails the job before the target is touched, and
 * `ignoreBoard` writes. A catalog reference's architecture is the catalog's, not read again.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFlash } from '../../../electron/core/flash/job';
import { inspectSource } from '../../../electron/core/image-source';
import { checkBoardFit } from '../../../electron/core/image-arch';
import { FiotError } from '../../../shared/errors';
import { makeFixture, type Fixture } from '../../fixtures/fixture';
import { commandsSkipReason } from '../../helpers/system';

const MiB = 1024 * 1024;
const skip = commandsSkipReason('sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'openssl', 'xz') ?? false;
let dir: string;
let pc: Fixture;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-job-board-'));
  if (!skip) pc = await makeFixture({ size: 128 * MiB, espMib: 16, bootMib: 32, rootFillMib: 8, layout: 'gpt', xz: true });
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('a flash job with a board', { skip }, () => {
  it('fails an x86_64 image for a Raspberry Pi before writing, and writes it with ignoreBoard', async () => {
    const target = path.join(dir, 'card.img');
    const refused = await startFlash({ source: pc.xzPath!, targets: [target], board: 'rpi4' }).result;
    assert.equal(refused.ok, false);
    assert.equal(refused.error?.code, 'IMAGE_BOARD_MISMATCH');
    assert.match(refused.error?.message ?? '', /This image is for PCs and other x86_64 machines; the Raspberry Pi 4/);
    assert.match(refused.error?.hint ?? '', /--ignore-board.*Write it anyway/);
    assert.ok(!existsSync(target) || statSync(target).size === 0, 'nothing written');

    const written = await startFlash({ source: pc.xzPath!, targets: [target], board: 'rpi4', ignoreBoard: true }).result;
    assert.equal(written.ok, true, JSON.stringify(written.error));
    assert.equal(statSync(target).size, pc.size);
  });

  it('takes a catalog reference’s architecture from the catalog, and refuses an unknown board', async () => {
    const source = await inspectSource(pc.path);
    // The file stands in for what the reference fetched: the catalog's word (aarch64 for rpi4) is what counts.
    await checkBoardFit({ ref: 'fedora-iot:44@rpi4', source, boardId: 'rpi4', overrideWords: 'x' });
    await assert.rejects(checkBoardFit({ ref: 'fedora-iot:44@rpi4', source, boardId: 'uefi-x86_64', overrideWords: 'x' }), (e: FiotError) => e.code === 'IMAGE_BOARD_MISMATCH');
    await assert.rejects(checkBoardFit({ ref: 'fedora-iot:44@x86_64', source, boardId: 'rpi3', overrideWords: 'x' }), (e: FiotError) => e.code === 'IMAGE_BOARD_MISMATCH');
    await assert.rejects(checkBoardFit({ ref: pc.path, source, boardId: 'commodore64', overrideWords: 'x' }), (e: FiotError) => e.code === 'INVALID_INPUT' && /no board “commodore64”/.test(e.message));
  });
});
