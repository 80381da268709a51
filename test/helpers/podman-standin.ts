/**
 * The podman stand-in (test/fixtures/podman-standin/podman-standin) set up for one test: its own
 * state, argument log, app config and cache folders, a fake binfmt folder where qemu-aarch64 is
 * "registered" (so cross builds pass preflight on this x86_64 host), and a small GPT disk image
 * from the fixture script as the builder's output.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeFixture } from '../fixtures/fixture';

export const STANDIN = path.resolve(import.meta.dirname, '..', 'fixtures', 'podman-standin', 'podman-standin');
const MiB = 1024 * 1024;

export interface StandinSetup {
  dir: string;
  env: NodeJS.ProcessEnv;
  argsFile: string;
  configCopy: string;
  configDir: string;
  cacheDir: string;
  disk: string;
  /** Every argument list podman was called with, in order. */
  calls(): string[][];
  dispose(): void;
}

export async function setupStandin(extra: NodeJS.ProcessEnv = {}): Promise<StandinSetup> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-build-'));
  const binfmt = path.join(dir, 'binfmt');
  mkdirSync(binfmt);
  writeFileSync(path.join(binfmt, 'qemu-aarch64'), 'enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: F\n');
  const fixture = await makeFixture({ layout: 'gpt', size: 64 * MiB, espMib: 16, bootMib: 16, rootFillMib: 4 });
  const argsFile = path.join(dir, 'podman-args.jsonl');
  const configCopy = path.join(dir, 'config-seen.toml');
  const configDir = path.join(dir, 'config');
  const cacheDir = path.join(dir, 'cache');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FIOT_PODMAN: STANDIN,
    FIOT_BINFMT_DIR: binfmt,
    FIOT_CONFIG_DIR: configDir,
    FIOT_CACHE_DIR: cacheDir,
    FIOT_STANDIN_STATE_DIR: path.join(dir, 'state'),
    FIOT_STANDIN_ARGS_FILE: argsFile,
    FIOT_STANDIN_CONFIG_COPY: configCopy,
    FIOT_STANDIN_DISK: fixture.path,
    FIOT_STANDIN_DELAY_MS: '2',
    ...extra,
  };
  return {
    dir,
    env,
    argsFile,
    configCopy,
    configDir,
    cacheDir,
    disk: fixture.path,
    calls() {
      let text: string;
      try {
        text = readFileSync(argsFile, 'utf8');
      } catch {
        return [];
      }
      return text.trim().split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { argv: string[] }).argv);
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
