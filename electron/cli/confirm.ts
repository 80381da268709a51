/**
 * The last question before erasing cards. It names each drive the way its label does, and it is
 * never answered for the person: without a terminal to ask on, the answer is no.
 */
import { createInterface } from 'node:readline/promises';
import type { Drive } from '../../shared/domain/drive';
import { FiotError } from '../../shared/errors';
import { formatSize } from '../../shared/format-size';

export function describeTarget(drive: Drive): string {
  if (drive.kind === 'file') return drive.device;
  const details = [drive.description, formatSize(drive.size)].filter(Boolean).join(' ');
  return `${drive.device} (${details})`;
}

/** `discard` false (--no-discard): the image is written over the drives, their old data not erased first, and the question says so. */
export function erasePrompt(drives: Drive[], discard = true): string {
  const names = drives.map(describeTarget);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  const them = names.length === 1 ? 'it' : 'them';
  if (!discard) return `This will write the image over everything on ${list}, without erasing the old data first (--no-discard): it may remain in free space. Write over ${them}? [y/N] `;
  return `This will erase everything on ${list}. Erase ${them}? [y/N] `;
}

/** y or yes, as every terminal prompt takes them; anything else (or nothing) is a no. */
export function isYes(answer: string): boolean {
  return ['y', 'yes'].includes(answer.trim().toLowerCase());
}

export interface PromptStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  /** stderr, so a --json run keeps stdout for JSON. */
  output: NodeJS.WritableStream;
}

export async function confirmErase(drives: Drive[], streams: PromptStreams, discard = true): Promise<void> {
  if (!streams.input.isTTY) {
    throw new FiotError('NOT_CONFIRMED', `Not writing ${drives.map((d) => d.device).join(', ')}: confirmation is needed, and there is no terminal to ask on.`, 'Run it in a terminal to confirm, or add --yes once you are sure of the drive.');
  }
  await askYes(erasePrompt(drives, discard), streams);
}

/**
 * A bench session's one question: every card inserted while it runs is erased, with no further
 * prompt; so are the cards already in readers that the person asked to include (`present`).
 */
export async function confirmSessionErase(imageName: string, streams: PromptStreams, present: Drive[] = []): Promise<void> {
  if (!streams.input.isTTY) {
    throw new FiotError('NOT_CONFIRMED', 'Not switching the card bench on: it erases every card inserted, confirmation is needed, and there is no terminal to ask on.', 'Run it in a terminal to confirm, or add --yes once you are sure.');
  }
  const also = present.length ? `, and the ${present.length === 1 ? 'card' : `${present.length} cards`} listed above,` : '';
  await askYes(`Every removable card inserted while the card bench is on${also} will be erased and written with ${imageName}, with no further question. Type yes to continue: `, streams);
}

/**
 * The question as one plain line, the answer read as the terminal's own line editing hands it over:
 * readline's terminal mode would move the cursor around the prompt (escape sequences that land in
 * a captured transcript, `| tee log` or `script`), and nothing else draws while the question waits.
 */
async function askYes(question: string, streams: PromptStreams): Promise<void> {
  const rl = createInterface({ input: streams.input, output: streams.output, terminal: false });
  // Ctrl-C (a signal, the terminal not being raw) or Ctrl-D at the question is a no, never a silent exit 0.
  const stopped = new AbortController();
  const interrupt = () => stopped.abort();
  process.once('SIGINT', interrupt);
  rl.once('close', interrupt);
  let answer: string;
  try {
    answer = await rl.question(question, { signal: stopped.signal });
  } catch {
    throw new FiotError('NOT_CONFIRMED', 'Nothing was written: stopped at the question.', 'Run it again and answer y when you are sure of the drive.');
  } finally {
    process.removeListener('SIGINT', interrupt);
    rl.close();
  }
  if (!isYes(answer)) throw new FiotError('NOT_CONFIRMED', 'Nothing was written.', 'Run it again and answer y (or yes) when you are sure of the drive.');
}
