#!/usr/bin/env node
// `npm test`: every *.test.ts(x) under test/, through node's own test runner with tsx's loader.
// Files run one at a time: integration tests share loop devices, disk bandwidth and 2 cores.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
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

const files = suites.flatMap((suite) => {
  const dir = path.join(root, 'test', suite);
  try {
    return find(dir);
  } catch {
    return [];
  }
});
if (files.length === 0) {
  console.error('No test files found.');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: root },
);
process.exit(result.status ?? 1);
