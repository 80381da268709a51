/**
 * How a command talks to its caller: human lines on a terminal, or one JSON object per line with
 * --json (scripts and field techs parse that, see docs/cli.md). Commands never print directly.
 */
import { cliNextSteps, isErrorCode, type ErrorInfo } from '../../shared/errors';

export interface CliIO {
  json: boolean;
  /** A human line on stdout; silent with --json. */
  say(line: string): void;
  /** A human line on stderr (warnings, errors); with --json errors travel in the result object. */
  warn(line: string): void;
  /** One JSON object on its own line (only with --json). */
  emit(object: Record<string, unknown>): void;
  /** The last line of a --json run: {"type":"result","ok":...}. */
  result(ok: boolean, fields?: Record<string, unknown>, error?: ErrorInfo): void;
  isTTY: boolean;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export function createIO(json: boolean, streams = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }): CliIO {
  const { stdin, stdout, stderr } = streams;
  return {
    json,
    isTTY: Boolean(stdout.isTTY),
    stdin,
    stdout,
    say(line) {
      if (!json) stdout.write(line + '\n');
    },
    warn(line) {
      if (!json) stderr.write(line + '\n');
    },
    emit(object) {
      if (json) stdout.write(JSON.stringify(object) + '\n');
    },
    result(ok, fields = {}, given) {
      const error = given && withCliNextStep(given);
      if (json) {
        stdout.write(JSON.stringify({ type: 'result', ok, ...fields, ...(error ? { error } : {}) }) + '\n');
      } else if (error) {
        stderr.write(`Error: ${error.message}\n${error.hint ? `  ${error.hint}\n` : ''}`);
      }
    },
  };
}

/** An error with the command line's flag for it, when the hint does not name one already. */
function withCliNextStep(error: ErrorInfo): ErrorInfo {
  const step = isErrorCode(error.code) ? cliNextSteps[error.code] : undefined;
  if (!step || error.hint?.includes(step)) return error;
  return { ...error, hint: error.hint ? `${error.hint} ${step}` : step };
}
