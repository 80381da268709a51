/**
 * The parent's end of the writer: spawn it, send the job (a flash, a restore, a provisioning), read its
 * progress and result lines, cancel it. The result is always a writer result; a writer that dies without one becomes a
 * failed result the caller reports like any other.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { closeSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { FiotError } from '../../../shared/errors';
import { writerMessageSchema, type ParentMessage, type ProvisionedMessage, type ProvisionJob, type RestoredMessage, type RestoreJob, type WriterJob, type WriterMessage, type WriterResultMessage } from '../../../shared/writer-protocol';
import type { WriterCommand } from './writer-command';

/** How long a cancelled writer gets to stop on its own before it is signalled. */
const CANCEL_GRACE_MS = 5000;

export interface WriterHandle<R = WriterResultMessage> {
  result: Promise<R>;
  cancel(): void;
  /** Tells the running writer more (a download's progress and verdict); ignored once it has gone. */
  send(message: ParentMessage): void;
  pid: number | undefined;
}

/** The launcher's exit status when what it would run is not root's alone (EX_NOPERM). */
const LAUNCHER_REFUSED = 77;

function exitError(code: number | null, signal: NodeJS.Signals | null, stderr: string, elevated: boolean): FiotError {
  // pkexec: 126 when the person dismissed the prompt, 127 when not authorized.
  if (elevated && (code === 126 || code === 127)) {
    return new FiotError('PERMISSION_DENIED', 'Permission to write the drive was not given.');
  }
  const last = stderr.trim().split('\n').slice(-3).join(' ').slice(0, 600);
  // The installed launcher refused to run a payload others can change (assets/linux/fiot-writer).
  if (elevated && code === LAUNCHER_REFUSED) return new FiotError('PERMISSION_DENIED', last.replace(/^fiot-writer: /, ''));
  return new FiotError('INTERNAL', `The writer stopped without a result (${signal ?? `exit ${code}`})${last ? `: ${last}` : '.'}`);
}

export function spawnWriter(job: WriterJob, command: WriterCommand, onMessage: (message: WriterMessage) => void, descriptors: number[] = []): WriterHandle {
  return startWriter({ type: 'job', job }, command, onMessage, (message) => (message.type === 'result' ? message : null), descriptors);
}

export function spawnRestore(restore: RestoreJob, command: WriterCommand, descriptors: number[] = []): WriterHandle<RestoredMessage> {
  return startWriter({ type: 'restore', restore }, command, () => undefined, (message) => (message.type === 'restored' ? message : null), descriptors);
}

export function spawnProvision(provision: ProvisionJob, command: WriterCommand, descriptors: number[] = []): WriterHandle<ProvisionedMessage> {
  return startWriter({ type: 'provision', provision }, command, () => undefined, (message) => (message.type === 'provisioned' ? message : null), descriptors);
}

/** `descriptors` (drives opened for the writer) become its fds 3, 4, ...: the child keeps its own copies, ours are closed. */
function startChild(command: WriterCommand, descriptors: number[]): ChildProcessByStdio<Writable, Readable, Readable> {
  try {
    return spawn(command.command, command.args, { env: command.env, stdio: ['pipe', 'pipe', 'pipe', ...descriptors] }) as ChildProcessByStdio<Writable, Readable, Readable>;
  } finally {
    for (const fd of descriptors) closeSync(fd);
  }
}

/** `final` picks the one message that ends the job out of the writer's lines. */
function startWriter<R>(first: ParentMessage, command: WriterCommand, onMessage: (message: WriterMessage) => void, final: (message: WriterMessage) => R | null, descriptors: number[]): WriterHandle<R> {
  const child = startChild(command, descriptors);
  let result: R | null = null;
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-8192);
  });
  // The writer treats a closed stdin as "parent gone"; keep it open, and ignore a writer already gone.
  child.stdin.on('error', () => undefined);
  child.stdin.write(JSON.stringify(first) + '\n');

  createInterface({ input: child.stdout }).on('line', (line) => {
    let message: WriterMessage;
    try {
      message = writerMessageSchema.parse(JSON.parse(line));
    } catch {
      stderr = (stderr + `\nunreadable writer line: ${line.slice(0, 200)}`).slice(-8192);
      return;
    }
    result = final(message) ?? result;
    onMessage(message);
  });

  const done = new Promise<R>((resolve, reject) => {
    child.on('error', (error) => reject(new FiotError('INTERNAL', `The writer could not start: ${error.message}`)));
    child.on('close', (code, signal) => {
      child.stdin.destroy();
      if (result !== null) resolve(result);
      else reject(exitError(code, signal, stderr, command.elevated));
    });
  });

  let cancelled = false;
  return {
    result: done,
    pid: child.pid,
    send(message) {
      if (child.exitCode === null && !child.stdin.destroyed) child.stdin.write(JSON.stringify(message) + '\n');
    },
    cancel() {
      if (cancelled || child.exitCode !== null) return;
      cancelled = true;
      child.stdin.write(JSON.stringify({ type: 'cancel' }) + '\n');
      const timer = setTimeout(() => child.kill('SIGTERM'), CANCEL_GRACE_MS);
      timer.unref();
    },
  };
}
