/**
 * Reading `fiot-flash --json` output as a script would: one JSON object per line, the last one
 * `{"type":"result","ok":...}` (docs/cli.md).
 */
import assert from 'node:assert/strict';

export type JsonLine = Record<string, unknown>;

export function jsonLines(stdout: string): JsonLine[] {
  return stdout.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as JsonLine);
}

/** The final result object; fails the test, showing the output, when the last line is not one. */
export function resultLine<T extends { ok: boolean } = { ok: boolean; error?: { code: string; message: string } } & JsonLine>(stdout: string): T {
  const last = jsonLines(stdout).at(-1);
  assert.equal(last?.type, 'result', `the last --json line is the result:\n${stdout.slice(-2000)}`);
  return last as unknown as T;
}
