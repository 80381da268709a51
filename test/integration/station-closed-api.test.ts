/**
 * A station client holding the token names only what the station handed out: images under its
 * --images folder (listed by source:list), drives it listed or resolved, and new image files in
 * that folder. Files elsewhere, a link out of the folder, an existing non-image file and a
 * symlink are refused, and every such file is left as it was. Two jobs never write one card (a
 * stand-in card: a station's clients write only the cards it lists).
 * Real station on 127.0.0.1, real WebSocket, real files and loop devices.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WebSocket } from 'ws';
import { createCore } from '../../electron/core/app-core';
import { loadConfig } from '../../electron/core/config';
import { startStation, type Station } from '../../electron/station/server';
import { writeDiskImage } from '../helpers/disk-image';
import { insertTestCard } from '../helpers/loop';
import { callApi, flashDone, openApi } from '../helpers/station-client';
import { loopSkipReason } from '../helpers/system';

const MiB = 1024 * 1024;

describe('a station client names only what the station handed out', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-closed-api-'));
  const images = path.join(dir, 'images');
  /** Stands in for the station user's home: nothing here may be read or written from the browser. */
  const home = path.join(dir, 'home');
  const secret = path.join(home, 'secret.img');
  const keys = path.join(home, 'authorized_keys');
  const image = path.join(images, 'fedora.raw');
  /** The stand-in card readers: loop devices over files here are the station's removable cards. */
  const cardDir = path.join(dir, 'cards');
  let station: Station;
  let ws: WebSocket;
  let id = 0;
  const ask = async (channel: string, args: unknown) => callApi(ws, ++id, channel, args);
  const doneOf = (jobId: string) => flashDone(ws, jobId);

  before(async () => {
    mkdirSync(images);
    mkdirSync(home);
    writeDiskImage(image, 32 * MiB);
    writeDiskImage(secret, MiB);
    chmodSync(secret, 0o600);
    writeFileSync(keys, 'ssh-ed25519 AAAA owner@home\n');
    writeFileSync(path.join(images, 'notes.txt'), 'not an image\n');
    symlinkSync(secret, path.join(images, 'secret-link.img'));
    symlinkSync(keys, path.join(images, 'keys-link.img'));
    mkdirSync(cardDir);
    const core = createCore(loadConfig({ FIOT_CONFIG_DIR: path.join(dir, 'config'), FIOT_CACHE_DIR: path.join(dir, 'cache'), FIOT_TEST_CARD_DIR: cardDir }), { imageFolders: [images], station: true });
    station = await startStation({ core, rendererDir: dir });
    ws = await openApi(station.port, station.token);
  });

  after(async () => {
    ws?.close();
    await station?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the images of its images folder, and nothing from elsewhere', async () => {
    const reply = await ask('source:list', {});
    assert.equal(reply.ok, true);
    const { folders, images: listed } = reply.value as { folders: string[]; images: Array<{ path: string }> };
    assert.ok(folders.includes(images));
    // The symlinks are not followed: they would lead out of the folder.
    assert.deepEqual(listed.map((i) => i.path), [image]);
  });

  it('refuses a source outside the images folder, named directly or through a link inside it', async () => {
    for (const source of [secret, path.join(images, 'secret-link.img'), '/etc/shadow', path.join(images, '..', 'home', 'secret.img')]) {
      const inspected = await ask('source:inspect', { path: source });
      assert.equal(inspected.error?.code, 'FILE_NOT_GIVEN', source);
      // In the station's terms: its images folder, and the ways a browser has (no Browse button there).
      assert.match(inspected.error!.message, /not in the station’s images folder/);
      assert.match(inspected.error!.hint ?? '', /Upload an image to the station/);
      assert.doesNotMatch(inspected.error!.hint ?? '', /Browse/);
    }
    const out = path.join(images, 'copy-of-secret.img');
    assert.equal((await ask('drives:resolve', { path: out })).ok, true);
    const started = await ask('flash:start', { source: secret, targets: [out] });
    assert.equal(started.error?.code, 'FILE_NOT_GIVEN');
    assert.equal(existsSync(out), false, 'nothing was copied');
  });

  it('refuses as target a file outside the folder, a link out of it, an existing non-image file and a symlink; each is unchanged', async () => {
    const keysBefore = readFileSync(keys);
    const notesBefore = readFileSync(path.join(images, 'notes.txt'));
    symlinkSync(image, path.join(images, 'alias.img'));
    const cases: Array<[string, string]> = [
      [keys, 'FILE_NOT_GIVEN'],
      [path.join(images, 'keys-link.img'), 'FILE_NOT_GIVEN'],
      [path.join(images, 'notes.txt'), 'INVALID_INPUT'],
      [path.join(images, 'alias.img'), 'INVALID_INPUT'],
    ];
    for (const [target, code] of cases) {
      assert.equal((await ask('drives:resolve', { path: target })).error?.code, code, target);
      // Never handed out, so a flash naming it is refused whatever it is.
      assert.equal((await ask('flash:start', { source: image, targets: [target] })).error?.code, 'PERMISSION_DENIED', target);
      assert.equal((await ask('provision:apply', { target, profile: { hostname: 'x' } })).error?.code, 'PERMISSION_DENIED', target);
    }
    assert.ok(readFileSync(keys).equals(keysBefore));
    assert.ok(readFileSync(path.join(images, 'notes.txt')).equals(notesBefore));
  });

  it('writes a new image file in its images folder', async () => {
    const out = path.join(images, 'card.img');
    assert.equal((await ask('drives:resolve', { path: out })).ok, true);
    const started = await ask('flash:start', { source: image, targets: [out] });
    assert.equal(started.ok, true, JSON.stringify(started.error));
    const result = await doneOf((started.value as { jobId: string }).jobId);
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.ok(readFileSync(out).equals(readFileSync(image)));
  });

  it('refuses a second job on a card another job is writing', { skip: loopSkipReason() ?? false }, async () => {
    const card = insertTestCard(cardDir, 'card', 64 * MiB);
    try {
      assert.equal((await ask('drives:resolve', { path: card.device })).ok, true);
      const [first, second] = await Promise.all([ask('flash:start', { source: image, targets: [card.device] }), ask('flash:start', { source: image, targets: [card.device] })]);
      const results = await Promise.all([first, second].map((started) => doneOf((started.value as { jobId: string }).jobId)));
      const busy = results.filter((r) => r.error?.code === 'TARGET_BUSY');
      assert.equal(busy.length, 1, JSON.stringify(results.map((r) => r.error)));
      assert.match(busy[0]!.error!.message, /already being written by another job/);
      assert.equal(results.filter((r) => r.ok).length, 1);
      assert.ok(readFileSync(card.backingFile).subarray(0, 32 * MiB).equals(readFileSync(image)), 'the card holds the image, written once');
    } finally {
      card.detach();
    }
  });
});
