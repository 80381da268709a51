#!/usr/bin/env node
// `npm test`: every *.test.ts(x) under test/, through node's own test runner with tsx's loader.
// Files run one at a time: integration tests share loop devices, disk bandwidth and 2 cores.
// No single test may run past 10 minutes: a hang fails that test instead of the whole CI run.
// The skip gate: a test that skipped for something CI always has (root, loop devices, a Debian
// package .ci/run installs) fails the run, unless FIOT_ALLOW_SKIPS=1 says this machine cannot
// (test/helpers/skip.ts tags the reasons; scripts/skip-gate-reporter.mjs collects them).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

const root = path.resolve(import.meta.dirname, '..');
const suites = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'integration', 'e2e'];
const allowSkips = process.env.FIOT_ALLOW_SKIPS === '1';

function find(dir) {
  let found = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) found = found.concat(find(full));
    else if (/\.test\.tsx?$/.test(entry)) found.push(full);
  }
  return found.sort();
}

// Each argument is a folder under test/ (unit, integration/images, ...) or one test file there.
const files = suites.flatMap((suite) => {
  const where = path.join(root, 'test', suite);
  try {
    return statSync(where).isDirectory() ? find(where) : [where];
  } catch {
    return [];
  }
});
if (files.length === 0) {
  console.error('No test files found.');
  process.exit(1);
}

// Fixtures that take minutes are built first: the per-file timeout below would count their build.
const prebuild = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'test/fixtures/prebuild.ts'), ...files], { stdio: 'inherit', cwd: root });
if (prebuild.status !== 0) console.error('Building the slow fixtures failed; the tests that need them will say why.');

const scratch = mkdtempSync(path.join(os.tmpdir(), 'fiot-test-run-'));
const skipsFile = path.join(scratch, 'skips.jsonl');
// Every flash records the cards it wrote in FIOT_CONFIG_DIR's history, and keeps the decompressed
// copy of a local compressed image in FIOT_CACHE_DIR: a test that does not pick its own folders
// writes into throwaway ones, never the tester's real config and cache (a copy kept there would
// turn another run's first flash of the same fixture into a flash from the cache).
const env = {
  ...process.env,
  FIOT_CONFIG_DIR: process.env.FIOT_CONFIG_DIR ?? path.join(scratch, 'config'),
  FIOT_CACHE_DIR: process.env.FIOT_CACHE_DIR ?? path.join(scratch, 'cache'),
};

const child = spawn(
  process.execPath,
  [
    '--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=600000',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${path.join(root, 'scripts/skip-gate-reporter.mjs')}`, `--test-reporter-destination=${skipsFile}`,
    ...files,
  ],
  { stdio: ['inherit', 'pipe', 'inherit'], cwd: root, env },
);

// The report streams through as it comes, except node's closing summary (from "ℹ tests N" on),
// held back so that the gate's verdict comes before it and the output still ends with it.
const summary = [];
createInterface({ input: child.stdout }).on('line', (line) => {
  if (summary.length > 0 || /^ℹ tests \d+/.test(line)) summary.push(line);
  else console.log(line);
});
const status = await new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));

function readSkips() {
  try {
    return readFileSync(skipsFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  } catch {
    return [];
  }
}
const blocking = readSkips().filter((skip) => skip.kind !== 'optional');
rmSync(scratch, { recursive: true, force: true });

let gateFailed = false;
if (blocking.length > 0) {
  const lines = blocking.map((s) => `  - ${path.relative(root, s.file ?? '?')}: ${s.name}: ${s.reason || '(no reason given)'}${s.kind === 'untagged' ? ' [untagged: use ciSkip() or optionalSkip() from test/helpers/skip.ts]' : ''}`);
  if (allowSkips) {
    console.log(`\nskip gate: ${blocking.length} test(s) skipped for what CI provides; allowed by FIOT_ALLOW_SKIPS=1:\n${lines.join('\n')}`);
  } else {
    gateFailed = true;
    console.log(
      `\nskip gate: FAILED: ${blocking.length} test(s) skipped for what CI provides (run as root with .ci/run's packages installed,\n` +
        `or set FIOT_ALLOW_SKIPS=1 to say this machine cannot):\n${lines.join('\n')}`,
    );
  }
}
if (summary.length > 0) console.log(summary.join('\n'));
process.exit(status !== 0 ? status : gateFailed ? 1 : 0);
