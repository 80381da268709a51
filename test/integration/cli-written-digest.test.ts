/**
 * What "the written bytes" digest of a flash is, as a person checks it: two cards written from one
 * image, each with its own hostname, both report the same `image data sha256`, and the output says
 * what it covers (the image's data as written, first-boot settings not in it) and that it is not
 * the image file's hash nor a hash of the card; it is neither, as hashing the file and the card
 * shows. `history --json` keeps it under its old field name, writtenSha256.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HistoryEntry } from '../../shared/domain/history';
import { resultLine } from '../helpers/cli-json';
import { createLoopDisk } from '../helpers/loop';
import { provisionFixture } from '../helpers/provision-fixture';
import { ED25519_KEY } from '../helpers/ssh-keys';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';

const root = path.resolve(import.meta.dirname, '../..');
const skip = loopSkipReason() ?? commandsSkipReason('debugfs', 'e2fsck', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy') ?? false;
let dir: string;
let env: NodeJS.ProcessEnv;

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-written-digest-'));
  env = { ...process.env, FIOT_CONFIG_DIR: path.join(dir, 'config'), FIOT_CACHE_DIR: path.join(dir, 'cache') };
});
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), ...args], { cwd: dir, env, encoding: 'utf8', input: '', timeout: 180_000 });
}

const sha256Of = (file: string, length?: number) => createHash('sha256').update(readFileSync(file).subarray(0, length)).digest('hex');

describe('the digest of what a flash wrote', { skip }, () => {
  it('is the same for two cards with different first-boot settings, says what it covers, and is neither the file’s nor the card’s hash', async () => {
    const source = await provisionFixture({ layout: 'mbr' });
    const cards = [createLoopDisk(source.size), createLoopDisk(source.size)];
    try {
      const run = cli(['flash', source.path, '--drive', cards[0]!.device, '--drive', cards[1]!.device, '--yes', '--hostname', 'digest-{n}', '--user', 'core', '--ssh-key', ED25519_KEY]);
      assert.equal(run.status, 0, run.stderr + run.stdout.slice(-2000));
      const shown = cards.map((card, i) => {
        const line = new RegExp(`✔ ${card.device}: written and verified as digest-${i + 1}, image data sha256 ([0-9a-f]{64})`).exec(run.stdout);
        assert.ok(line, `${card.device}'s line names the image data sha256:\n${run.stdout}`);
        return line[1]!;
      });
      assert.equal(shown[0], shown[1], 'the same for every card of one image, whatever its hostname');
      assert.match(run.stdout, /The image data sha256 covers the image’s bytes as written to each card \(the parts that hold data, in order, not its empty space\): it is the same for every card written from this image, first-boot settings are not in it, and it is not meant to match the image file’s SHA-256 or a hash of the whole card\./);
      assert.equal(run.stdout.match(/The image data sha256 covers/g)?.length, 1, 'said once, not per card');

      // What a person would try, and what the words tell them not to expect.
      assert.notEqual(shown[0], sha256Of(source.path), 'not the image file’s sha256');
      const written = cards.map((card) => sha256Of(card.device, source.size));
      assert.notEqual(written[0], written[1], 'the cards differ (their first-boot settings)');
      assert.ok(!written.includes(shown[0]!), 'not a hash of what a card holds');

      const listed = cli(['history', '--json']);
      const { entries } = resultLine<{ ok: boolean; entries: HistoryEntry[] }>(listed.stdout);
      assert.deepEqual(entries.map((e) => e.writtenSha256), [shown[0], shown[0]], 'the JSON keeps writtenSha256');
    } finally {
      for (const card of cards) card.dispose();
    }
  });
});
