/** `fiot-flash` as a separate process, as a user or a script runs it: exit code and both streams. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const bin = path.resolve(import.meta.dirname, '../../bin/fiot-flash.mjs');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `started` gets the process, for a test that signals it (Ctrl-C) while it runs. */
export function runCli(args: string[], env: Record<string, string>, started?: (child: ChildProcess) => void): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    started?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
