/**
 * A command run on a terminal, as a person at one runs it: `script` gives it a pty (stdin, stdout
 * and stderr a terminal, unless the command line pipes them), and the answer is typed once the
 * erase prompt shows. What comes back is all the terminal showed, escape sequences included.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
export const ERASE_QUESTION = 'Erase it? [y/N] ';

export interface TerminalRun {
  code: number | null;
  transcript: string;
}

/** `command` is one shell line; a run still going after `timeoutMs` is killed, so a stuck one fails instead of hanging. */
export function answerOnTerminal(command: string, answer: string, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<TerminalRun> {
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: root, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let transcript = '';
  let answered = false;
  child.stdout.on('data', (chunk: Buffer) => {
    transcript += chunk.toString();
    if (!answered && transcript.includes(ERASE_QUESTION)) {
      answered = true;
      child.stdin.write(`${answer}\n`);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 240_000);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, transcript });
    });
  });
}
