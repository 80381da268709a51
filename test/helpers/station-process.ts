/**
 * `fiot-flash station` as its own process, the way a person runs it: a test can then tell a
 * station that stayed up from one that died (an uncaught error ends the process, and in-process
 * the test runner would swallow it). Config and cache live in a folder of the test's own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const READY_TIMEOUT_MS = 30_000;

export interface StationProcess {
  port: number;
  token: string;
  url: string;
  /** FIOT_CONFIG_DIR of the station: history.jsonl, station/ (certificate). */
  configDir: string;
  child: ChildProcess;
  /** Everything the station wrote on stderr so far. */
  stderr(): string;
  running(): boolean;
  /** SIGTERM, then the exit code; removes its folders. */
  stop(): Promise<number | null>;
}

export interface SpawnOptions {
  /** Options after `fiot-flash station`. */
  args?: string[];
  /** A command the station runs under, e.g. `unshare -n` for a private network. */
  wrapper?: string[];
  /** Added to the environment. */
  env?: NodeJS.ProcessEnv;
  /** Another checkout to run from, through `npx fiot-flash` as its README says (default: this one, through node). */
  checkout?: string;
  /** How long starting may take (a fresh checkout builds the app's page first). */
  readyTimeoutMs?: number;
}

export async function spawnStation({ args = [], wrapper = [], env: extraEnv = {}, checkout, readyTimeoutMs = READY_TIMEOUT_MS }: SpawnOptions = {}): Promise<StationProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-station-process-'));
  const configDir = path.join(dataDir, 'config');
  const env = { ...process.env, FIOT_CONFIG_DIR: configDir, FIOT_CACHE_DIR: path.join(dataDir, 'cache'), ...extraEnv };
  const fiotFlash = checkout ? ['npx', '--no-install', 'fiot-flash'] : [process.execPath, path.join(root, 'bin/fiot-flash.mjs')];
  const [program, ...argv] = [...wrapper, ...fiotFlash, 'station', ...args];
  // npx runs the station through a shell that does not pass signals on: like Ctrl-C in a terminal,
  // stop() then signals the whole process group.
  const child: ChildProcess = spawn(program!, argv, { cwd: checkout ?? root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: checkout !== undefined });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the station did not start within ${readyTimeoutMs} ms: ${stderr}`)), readyTimeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /Station ready: (\S+)/.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1]!);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
      reject(new Error(`the station exited with ${code} before it was ready: ${stdout}${stderr}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    port: Number(new URL(url).port),
    url,
    token: new URL(url).searchParams.get('token') ?? '',
    configDir,
    child,
    stderr: () => stderr,
    running: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        if (checkout) process.kill(-child.pid!, 'SIGTERM');
        else child.kill('SIGTERM');
      }
      const code = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
