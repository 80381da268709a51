/**
 * `--drive loop46` (the `/dev/` forgotten) with `--yes`, as a tester typed it: it used to create a
 * 268 MB file `loop46` in the current folder and say "written and verified". A name that is no
 * drive and no existing image file is refused before anything is written, naming the drive it
 * probably meant; a new image file is written only when named like one (`card.img`).
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Fixture } from '../fixtures/fixture';
import { createLoopDisk } from '../helpers/loop';
import { provisionFixture } from '../helpers/provision-fixture';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';

const root = path.resolve(import.meta.dirname, '../..');
const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy') ?? false;

describe('fiot-flash flash --drive with a drive name missing /dev/', { skip }, () => {
  let dir: string;
  let work: string;
  let fixture: Fixture;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-drive-typo-'));
    work = path.join(dir, 'work');
    mkdirSync(work);
    fixture = await provisionFixture({ layout: 'mbr' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const flash = (drive: string): SpawnSyncReturns<string> => spawnSync(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), 'flash', fixture.path, '--drive', drive, '--yes'], {
    cwd: work, encoding: 'utf8', input: '', timeout: 300_000, env: { ...process.env, FIOT_CONFIG_DIR: path.join(dir, 'config'), FIOT_CACHE_DIR: path.join(dir, 'cache') },
  });

  it('refuses loopN, says "Did you mean /dev/loopN?", and writes neither a file nor the card', () => {
    const card = createLoopDisk(fixture.size);
    try {
      const name = path.basename(card.device);
      for (const typed of [name, `dev/${name}`]) {
        const run = flash(typed);
        assert.equal(run.status, 1, run.stdout + run.stderr);
        assert.match(run.stderr, new RegExp(`“${typed.replace('/', '\\/')}” is not a drive, and no image file of that name exists: nothing was written\\.`));
        assert.match(run.stderr, new RegExp(`Did you mean ${card.device}\\? Run \`fiot-flash drives\` to see the drives`));
        assert.doesNotMatch(run.stdout, /written and verified/);
      }
      assert.deepEqual(readdirSync(work), [], 'no file was created in the current folder');
      assert.equal(card.sectorsWritten(), 0, 'the card it meant is not written either');
    } finally {
      card.dispose();
    }
  });

  it('refuses a name that is no drive at all, without guessing one', () => {
    const run = flash('sdzz');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /“sdzz” is not a drive/);
    assert.doesNotMatch(run.stderr, /Did you mean/);
    assert.match(run.stderr, /give it a name ending in \.img or \.raw \(e\.g\. card\.img\)/);
    assert.equal(existsSync(path.join(work, 'sdzz')), false);
  });

  it('still writes a new image file named like one', () => {
    const run = flash('card.img');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /card\.img: written and verified/);
    assert.ok(existsSync(path.join(work, 'card.img')));
  });
});
