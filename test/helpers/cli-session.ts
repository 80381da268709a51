/**
 * A long-running CLI session (`fiot-flash bench`) as a test watches it: its output as it comes, a
 * wait for what it should print next (failing with the output's tail when it never comes, or when
 * the session exits first), and the lines of one card.
 */
import type { ChildProcess } from 'node:child_process';

export function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? -1)));
}

export function watchOutput(child: ChildProcess) {
  const output = { text: '' };
  const waiters: Array<{ test: () => boolean; resolve: () => void }> = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    output.text += chunk.toString();
    for (const waiter of [...waiters]) {
      if (!waiter.test()) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const exited = exitOf(child);
  const seen = (test: () => boolean, what: string, ms = 120_000) => Promise.race([
    new Promise<void>((resolve) => (test() ? resolve() : waiters.push({ test, resolve }))),
    // Unref'd: a wait that was answered must not keep the test's process alive until it runs out.
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}:\n${output.text.slice(-3000)}`)), ms).unref()),
    exited.then((code) => {
      throw new Error(`bench exited (${code}) before ${what}:\n${output.text.slice(-3000)}`);
    }),
  ]);
  const linesOf = (device: string) => output.text.split(/\r?\n/).filter((line) => line.startsWith(`${device} `));
  return { output, exited, seen, linesOf };
}
