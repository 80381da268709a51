/**
 * The settings folder as another user could leave it: writable by everyone, with history.jsonl
 * planted as a link to a file of the victim's, or profiles/<name>.json.tmp planted as one. The CLI
 * and the station refuse such a folder before anything runs; in a private folder a planted link
 * is never written through (the history is opened with O_NOFOLLOW, a profile's temp name is new
 * each time), and the file it points at is left as it was.
 */
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appendEntries } from '../../electron/core/history';
import { profileFileName } from '../../electron/core/provision/profile-store';
import { resultLine } from '../helpers/cli-json';
import { createLoopDisk } from '../helpers/loop';
import { runCli } from '../helpers/run-cli';
import { callApi, openApi, stationAnswers } from '../helpers/station-client';
import { spawnStation } from '../helpers/station-process';
import { loopSkipReason } from '../helpers/system';
import { sampleEntry } from '../unit/history/sample-entry';

const VICTIM_TEXT = 'root:$6$secret:20000:0:99999:7:::\n';

describe('a settings folder others could write', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-config-folder-'));
  const victim = path.join(dir, 'victim-shadow');
  const image = path.join(dir, 'image.raw');

  before(() => {
    writeFileSync(victim, VICTIM_TEXT, { mode: 0o600 });
    writeFileSync(image, Buffer.alloc(1024 * 1024, 0x5a));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function plantedFolder(name: string, mode: number): string {
    const configDir = path.join(dir, name);
    mkdirSync(configDir);
    chmodSync(configDir, mode);
    symlinkSync(victim, path.join(configDir, 'history.jsonl'));
    return configDir;
  }

  it('fiot-flash flash refuses a folder everyone may write, before writing the card or the planted link', { skip: loopSkipReason() ?? false }, async () => {
    const configDir = plantedFolder('open-config', 0o777);
    const card = createLoopDisk(4 * 1024 * 1024);
    try {
      const run = await runCli(['flash', image, '--drive', card.device, '--yes', '--json'], { FIOT_CONFIG_DIR: configDir, FIOT_CACHE_DIR: path.join(dir, 'cache') });
      assert.equal(run.code, 1, run.stdout + run.stderr);
      const { error } = resultLine(run.stdout);
      assert.equal(error?.code, 'CONFIG_UNSAFE');
      assert.match(error?.message ?? '', /open-config can be written by every user \(mode 0777\)/);
      assert.equal(card.sectorsWritten(), 0, 'the card was not written');
      assert.equal(readFileSync(victim, 'utf8'), VICTIM_TEXT);
    } finally {
      card.dispose();
    }
  });

  it('a station refuses to start on such a folder, and says why', async () => {
    const configDir = plantedFolder('open-station-config', 0o777);
    await assert.rejects(spawnStation({ env: { FIOT_CONFIG_DIR: configDir } }), /settings folder is not private: .*open-station-config can be written by every user/);
    assert.equal(readFileSync(victim, 'utf8'), VICTIM_TEXT);
  });

  it('in a private folder, a history.jsonl that is a link is neither read nor appended through', async () => {
    const configDir = plantedFolder('private-config', 0o700);
    const listed = await runCli(['history', '--json'], { FIOT_CONFIG_DIR: configDir, FIOT_CACHE_DIR: path.join(dir, 'cache') });
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(resultLine(listed.stdout).entries, []);
    await assert.rejects(appendEntries(configDir, [sampleEntry()]), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CONFIG_UNSAFE');
      assert.match(error.message, /history\.jsonl is a symbolic link, not the history file; nothing was appended/);
      return true;
    });
    assert.equal(readFileSync(victim, 'utf8'), VICTIM_TEXT);
  });

  it('a station saving a profile never writes through a planted <name>.json.tmp link', async () => {
    const station = await spawnStation();
    try {
      const profiles = path.join(station.configDir, 'profiles');
      mkdirSync(profiles, { recursive: true, mode: 0o700 });
      // The temp name saving used to take every time: <the profile's file>.tmp.
      const planted = path.join(profiles, `${profileFileName('field-day')}.tmp`);
      symlinkSync(victim, planted);
      const ws = await openApi(station.port, station.token);
      try {
        const saved = await callApi(ws, 1, 'profiles:save', { name: 'field-day', profile: { hostname: 'sensor-{n}' } });
        assert.equal(saved.ok, true, JSON.stringify(saved.error));
      } finally {
        ws.close();
      }
      assert.equal(readFileSync(victim, 'utf8'), VICTIM_TEXT, 'the linked file is unchanged');
      assert.ok(lstatSync(planted).isSymbolicLink(), 'the planted link was neither followed nor replaced');
      assert.match(readFileSync(path.join(profiles, profileFileName('field-day')), 'utf8'), /"hostname": "sensor-\{n\}"/);
      const started = Date.now();
      assert.equal(await stationAnswers(station.port, station.token), true);
      assert.ok(Date.now() - started < 1000, 'the station answers within a second');
    } finally {
      assert.equal(await station.stop(), 0);
    }
  });
});
