/**
 * The runner's skip gate, through the real runner on tiny fixture files: a test that skips for
 * something CI always has fails the run unless FIOT_ALLOW_SKIPS=1; an optional skip passes; a skip
 * without a tagged reason fails. The output still ends with node's own summary (CI reads it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';

const root = path.resolve(import.meta.dirname, '../..');

function runner(fixture: string, allowSkips: boolean) {
  const env = { ...process.env };
  delete env.FIOT_ALLOW_SKIPS;
  // Set for this file by node's own runner; left in place, the inner run would report to it in its
  // binary protocol instead of printing.
  delete env.NODE_TEST_CONTEXT;
  if (allowSkips) env.FIOT_ALLOW_SKIPS = '1';
  const run = spawnSync(process.execPath, ['scripts/run-tests.mjs', `fixtures/skip-gate/${fixture}.fixture.ts`], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  const lines = run.stdout.trimEnd().split('\n');
  return { status: run.status, stdout: run.stdout, last: lines.slice(-8).map((l) => l.split(' ')[1]) };
}

const summary = ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo', 'duration_ms'];

describe('the skip gate', () => {
  test('a skip for what CI provides fails the run and names the test and its reason', () => {
    const run = runner('ci-skip', false);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /skip gate: FAILED: 1 test\(s\)/);
    assert.match(run.stdout, /ci-skip\.fixture\.ts: needs a loop device: no \/dev\/loop-control on this machine/);
    assert.match(run.stdout, /FIOT_ALLOW_SKIPS=1/);
    assert.deepEqual(run.last, summary, 'the output ends with node\'s summary lines');
  });

  test('FIOT_ALLOW_SKIPS=1 lets it pass and still lists it', () => {
    const run = runner('ci-skip', true);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /allowed by FIOT_ALLOW_SKIPS=1:\n {2}- test\/fixtures\/skip-gate\/ci-skip\.fixture\.ts: needs a loop device/);
    assert.deepEqual(run.last, summary);
  });

  test('a skip for what only some machines have passes without a word from the gate', () => {
    const run = runner('optional-skip', false);
    assert.equal(run.status, 0);
    assert.doesNotMatch(run.stdout, /skip gate/);
    assert.match(run.stdout, /ℹ skipped 1/);
  });

  test('a skip whose reason no helper tagged fails the run', () => {
    const run = runner('untagged-skip', false);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /skips quietly: not today \[untagged: use ciSkip\(\) or optionalSkip\(\)/);
  });
});
