/**
 * A CliIO over in-memory streams, so a command runs in-process and the test reads exactly what a
 * person (or a script with --json) would have seen.
 */
import { PassThrough } from 'node:stream';
import { createIO, type CliIO } from '../../electron/cli/io';

export interface CapturedIO {
  io: CliIO;
  stdout(): string;
  stderr(): string;
  /** The --json lines written so far, parsed. */
  jsonLines(): Array<Record<string, unknown>>;
}

export function captureIO(json: boolean, options: { stdinIsTTY?: boolean; stdoutIsTTY?: boolean; input?: string } = {}): CapturedIO {
  const stdin = Object.assign(new PassThrough(), { isTTY: options.stdinIsTTY ?? false });
  const stdout = Object.assign(new PassThrough(), { isTTY: options.stdoutIsTTY ?? false, columns: 100 });
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  if (options.input !== undefined) stdin.end(options.input);
  const io = createIO(json, { stdin, stdout, stderr } as unknown as Parameters<typeof createIO>[1]);
  return {
    io,
    stdout: () => out,
    stderr: () => err,
    jsonLines: () => out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
