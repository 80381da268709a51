/**
 * A bench session under a tech's hands (issue #17): twelve cards inserted one per second, each a
 * loop device in a stand-in card-reader folder, written by a session of the core (hostname series,
 * provisioning on); the time from the first insertion to the twelfth verified card, and that none
 * failed. The small Fedora-IoT-shaped image of the provisioning tests (128 MiB).
 *
 *   node --import tsx test/bench/bench-session-bench.ts [--cards N] [--every MS]
 *
 * Needs root (loop devices).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createCore } from '../../electron/core/app-core';
import { loadConfig } from '../../electron/core/config';
import type { BenchStatus } from '../../shared/api/bench';
import { insertTestCard, type LoopDevice } from '../helpers/loop';
import { provisionFixture } from '../helpers/provision-fixture';
import { loopSkipReason } from '../helpers/system';

const { values } = parseArgs({ options: { cards: { type: 'string', default: '12' }, every: { type: 'string', default: '1000' } } });
const count = Number(values.cards);
const everyMs = Number(values.every);

const skip = loopSkipReason();
if (skip) {
  console.log(`skipped: ${skip}`);
  process.exit(0);
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-session-bench-'));
const cardDir = path.join(dir, 'cards');
mkdirSync(cardDir);
const cards: LoopDevice[] = [];
try {
  const fixture = await provisionFixture({ layout: 'mbr' });
  const core = createCore({ ...loadConfig({}), configDir: path.join(dir, 'config'), cacheDir: path.join(dir, 'cache'), testCardDir: cardDir });
  core.grants.grantPickedFile(fixture.path);
  let failed = 0;
  let verifiedAt = 0;
  const allDone = new Promise<void>((resolve) => {
    core.events.subscribe((event, payload) => {
      if (event !== 'bench:changed') return;
      const status = payload as BenchStatus;
      failed = status.slots.filter((s) => s.state === 'failed').length;
      if (status.slots.filter((s) => s.state === 'done').length === count) {
        verifiedAt ||= Date.now();
        resolve();
      }
    });
  });
  const answer = await core.router.handle('bench:start', { source: fixture.path, provisioning: { hostname: 'bench-{n:02}', users: [{ name: 'core', sshAuthorizedKeys: [] }] } });
  if (!answer.ok) throw new Error(answer.error.message);
  const first = Date.now();
  for (let i = 0; i < count; i++) {
    cards.push(insertTestCard(cardDir, `card-${i + 1}`, fixture.size));
    if (i < count - 1) await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  await allDone;
  await core.router.handle('bench:stop', {});
  const seconds = (verifiedAt - first) / 1000;
  console.log(`${count} cards inserted every ${everyMs} ms: first insertion to the last verified ${seconds.toFixed(1)} s (inserting took ${((count - 1) * everyMs) / 1000} s); ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
} finally {
  for (const card of cards) card.detach();
  rmSync(dir, { recursive: true, force: true });
}
