/**
 * The README's promise: right after `npm ci` in a fresh clone, `npx fiot-flash station` serves the
 * app, not a "not built yet" page. A clone of this repository's HEAD (no dist/), with this
 * checkout's node_modules linked in as `npm ci` would have installed them, starts the station:
 * it builds the page once, serves it and its scripts, and the next start does not build again.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { commandsSkipReason } from '../helpers/system';
import { spawnStation } from '../helpers/station-process';

const root = path.resolve(import.meta.dirname, '../..');
const skip = commandsSkipReason('git', 'npx') ?? (existsSync(path.join(root, '.git')) ? null : 'not a git checkout: nothing to clone');
const BUILD_NOTE = /Building the app’s page/;

/** npx exits on the signal at once; the station behind it closes its sockets a moment later. */
async function stoppedListening(url: string): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    try {
      await fetch(url);
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('fiot-flash station in a fresh clone', { skip: skip ?? false }, () => {
  let dir: string;
  let clone: string;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-fresh-clone-'));
    clone = path.join(dir, 'clone');
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', root, clone]);
    symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds the page on first start, serves the app, and starts without building the next time', { timeout: 240_000 }, async () => {
    assert.equal(existsSync(path.join(clone, 'dist')), false, 'a fresh clone has no dist/');
    // npx links the project into its cache: a cache of the test's own, removed with the clone.
    const env = { npm_config_cache: path.join(dir, 'npm-cache') };
    const station = await spawnStation({ checkout: clone, env, readyTimeoutMs: 180_000 });
    try {
      assert.match(station.stderr(), BUILD_NOTE);
      const page = await fetch(station.url);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /<div id="root">/);
      const script = /<script[^>]+src="\.\/([^"]+\.js)"/.exec(html)?.[1];
      assert.ok(script, 'the page loads its script');
      const asset = await fetch(new URL(script, station.url), { headers: { cookie: page.headers.get('set-cookie')?.split(';')[0] ?? '' } });
      assert.equal(asset.status, 200);
      assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    } finally {
      await station.stop();
    }
    assert.equal(await stoppedListening(station.url), true, 'stopped: nothing is left listening');

    const again = await spawnStation({ checkout: clone, env });
    try {
      assert.doesNotMatch(again.stderr(), BUILD_NOTE, 'the built page is fresh: no second build');
      assert.equal((await fetch(again.url)).status, 200);
    } finally {
      await again.stop();
    }
  });
});
