#!/usr/bin/env node
// `npm test`: every *.test.ts(x) under test/, through node's own test runner with tsx's loader.
// Files run one at a time: integration tests share loop devices, disk bandwidth and 2 cores.
// No single test may run past 10 minutes: a hang fails that test instead of the whole CI run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const suites = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'integration', 'e2e'];

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
// Every flash records the cards it wrote in FIOT_CONFIG_DIR's history: a test that does not pick
// its own folder writes into a throwaway one, never the tester's real config.
const configDir = process.env.FIOT_CONFIG_DIR ? null : mkdtempSync(path.join(os.tmpdir(), 'fiot-test-config-'));
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=600000', '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: root, env: configDir ? { ...process.env, FIOT_CONFIG_DIR: configDir } : process.env },
);
if (configDir) rmSync(configDir, { recursive: true, force: true });
process.exit(result.status ?? 1);
