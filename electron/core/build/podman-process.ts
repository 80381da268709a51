/**
 * Running podman (through its elevation, see podman-command.ts): one-shot commands whose output we
 * read, and a build session (build-session.ts) whose stdout and stderr we stream line by line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { findSystemTool } from '../system-tools';
import { elevate } from './podman-command';

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The executable itself was not found (ENOENT). */
  notFound: boolean;
}

export interface PodmanRunner {
  /** Runs `podman <args>` elevated when needed, collecting its output. */
  exec(args: string[], options?: { elevated?: boolean; onLine?: LineListener }): Promise<ExecResult>;
  /** Starts a shell script of podman steps in one elevated session (one prompt), streaming its lines. */
  session(script: string, onLine: LineListener): { child: ChildProcess; done: Promise<ExecResult> };
  /** Whether podman calls go through an elevation prompt. */
  readonly elevated: boolean;
  /** Plain words on how podman is run (null when it is run as is). */
  readonly elevationNote: string | null;
}

export type LineListener = (line: string, stream: 'stdout' | 'stderr') => void;

export interface RunnerEnv {
  podman: string;
  platform: NodeJS.Platform;
  uid: number | null;
  /** pkexec from the system folders (never the user's PATH: what it starts runs as root), or null. */
  pkexec: string | null;
  env?: NodeJS.ProcessEnv;
}

export function currentRunnerEnv(podman: string): RunnerEnv {
  return { podman, platform: process.platform, uid: typeof process.getuid === 'function' ? process.getuid() : null, pkexec: findSystemTool('pkexec') };
}

export function createPodmanRunner(runnerEnv: RunnerEnv): PodmanRunner {
  const { podman } = runnerEnv;
  const elevationNote = elevate(podman, [], runnerEnv).note;

  function start(command: string, args: string[], elevated: boolean, onLine?: LineListener, ownGroup = false) {
    const target = elevated ? elevate(command, args, runnerEnv) : { command, args };
    const child = spawn(target.command, target.args, { stdio: ['ignore', 'pipe', 'pipe'], env: runnerEnv.env ?? process.env, detached: ownGroup });
    const out: Record<'stdout' | 'stderr', string[]> = { stdout: [], stderr: [] };
    for (const name of ['stdout', 'stderr'] as const) {
      let pending = '';
      const stream = child[name]!;
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        out[name].push(chunk);
        if (!onLine) return;
        // Carriage returns redraw a terminal line: each redraw is a line of its own for us.
        const parts = (pending + chunk).split(/\r\n|\n|\r/);
        pending = parts.pop() ?? '';
        for (const line of parts) onLine(line, name);
      });
      stream.on('end', () => {
        if (onLine && pending) onLine(pending, name);
        pending = '';
      });
    }
    const done = new Promise<ExecResult>((resolve) => {
      let notFound = false;
      let spawnError: string | null = null;
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') notFound = true;
        spawnError = error.message;
      });
      child.on('close', (code) => {
        const stderr = out.stderr.join('') + (spawnError ? `${spawnError}\n` : '');
        resolve({ code, stdout: out.stdout.join(''), stderr, notFound });
      });
    });
    return { child, done };
  }

  return {
    elevationNote,
    elevated: elevationNote !== null,
    exec: (args, options = {}) => start(podman, args, options.elevated ?? true, options.onLine).done,
    // Unelevated, the session gets its own process group so a cancel can end it with its children.
    // Elevated it stays in ours: pkexec's text prompt needs the terminal, and root's processes are not ours to signal.
    session: (script, onLine) => start('/bin/sh', ['-c', script], true, onLine, elevationNote === null),
  };
}
