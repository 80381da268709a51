/**
 * The import-direction check that `npm run lint` runs (dependency-cruiser with
 * .dependency-cruiser.cjs), on a small tree laid out like the repo: clean, it passes; with one
 * planted import per rule, it fails and names each rule and the file that broke it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';

const root = path.resolve(import.meta.dirname, '../..');
const depcruise = path.join(root, 'node_modules', '.bin', 'depcruise');

const clean: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler' } }),
  'package.json': JSON.stringify({ type: 'module', dependencies: { zod: '*' }, devDependencies: { electron: '*' } }),
  'shared/contract.ts': "import { z } from 'zod';\nexport const name = z.string();\n",
  'electron/core/image-map/map.ts': "import { name } from '../../../shared/contract';\nexport const map = name;\n",
  'electron/core/config.ts': "import { readFileSync } from 'node:fs';\nexport const config = readFileSync;\n",
  'electron/writer/main.ts': "import { map } from '../core/image-map/map';\nexport const writer = map;\n",
  'renderer/src/app.ts': "import { name } from '../../shared/contract';\nexport const app = name;\n",
  'bin/start.mjs': "export { config } from '../electron/core/config.ts';\n",
};

/** One planted violation per rule: the file that breaks it and what it holds. */
const planted: Record<string, [file: string, source: string]> = {
  'core-not-to-writer': ['electron/core/flash-job.ts', "import { writer } from '../writer/main';\nexport const job = writer;\n"],
  'writer-only-core-library': ['electron/writer/settings.ts', "import { config } from '../core/config';\nexport const settings = config;\n"],
  'core-library-stays-a-library': ['electron/core/image-map/configured.ts', "import { config } from '../config';\nexport const configured = config;\n"],
  'shared-is-pure': ['shared/reads-files.ts', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n"],
  'shared-no-electron': ['shared/uses-electron.ts', "import { app } from 'electron';\nexport const electronApp = app;\n"],
  'renderer-not-to-electron': ['renderer/src/reaches-core.ts', "import { config } from '../../electron/core/config';\nexport const reached = config;\n"],
  'renderer-no-node': ['renderer/src/uses-node.ts', "import path from 'node:path';\nexport const join = path.join;\n"],
  'bin-above-everything': ['electron/core/starts.ts', "import { config } from '../../bin/start.mjs';\nexport const started = config;\n"],
  'no-cycle': ['electron/cli/command.ts', "import type { Main } from './main';\nexport type Command = { main: Main };\n"],
};
const cycleOtherHalf = ['electron/cli/main.ts', "import type { Command } from './command';\nexport type Main = { commands: Command[] };\n"] as const;

const scratch = mkdtempSync(path.join(os.tmpdir(), 'fiot-import-check-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const dir = path.join(scratch, name);
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), source);
  }
  // The real packages (zod, electron), so imports resolve as they do in the repo.
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

function check(dir: string) {
  const run = spawnSync(depcruise, ['electron', 'shared', 'renderer', 'bin', '--config', path.join(root, '.dependency-cruiser.cjs'), '--output-type', 'err'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('the import-direction check', () => {
  test('passes on a tree that keeps the rules', () => {
    const run = check(tree('clean', clean));
    assert.equal(run.status, 0, run.output);
  });

  test('fails on each planted violation, naming the rule and the importing file', () => {
    const files: Record<string, string> = { ...clean, [cycleOtherHalf[0]]: cycleOtherHalf[1] };
    for (const [file, source] of Object.values(planted)) files[file] = source;
    const run = check(tree('planted', files));
    assert.notEqual(run.status, 0, run.output);
    for (const [rule, [file]] of Object.entries(planted)) {
      assert.match(run.output, new RegExp(`error ${rule}: ${file.replace(/[.]/g, '[.]')}`), `${rule} not reported for ${file}:\n${run.output}`);
    }
  });
});
