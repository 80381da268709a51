/**
 * What a CLI command is (commands/<name>.ts exports one) and the exit statuses every command and
 * the dispatcher in main.ts answer with.
 */
import type { CliIO } from './io';

export type Command = { summary: string; run(argv: string[], io: CliIO): Promise<number> };

/** Everything asked for succeeded. */
export const EXIT_OK = 0;
/** Something failed: a download, a write, a verification. */
export const EXIT_FAILURE = 1;
/** The command line was wrong; nothing was done. */
export const EXIT_USAGE = 2;
