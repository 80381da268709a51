/**
 * The app's on-card command setting, kept in the config folder as on-card.json. Only the desktop
 * app's own window may change it (createCore's `onCardEditable`): a station's browser may be on
 * another machine, and a command it could set would run on this one.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ON_CARD_COMMAND_MAX } from '../../../shared/domain/on-card';
import { FiotError } from '../../../shared/errors';

const FILE = 'on-card.json';
const fileSchema = z.object({ command: z.string().max(ON_CARD_COMMAND_MAX) });

/** The saved command, or null when none is set; a damaged file is an error, not a silent "none". */
export async function readOnCardCommand(configDir: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(path.join(configDir, FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = fileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new FiotError('INVALID_INPUT', `${path.join(configDir, FILE)} does not hold an on-card command.`, 'Set the command again in the app, or delete the file.');
  return parsed.data.command.trim() || null;
}

export async function saveOnCardCommand(configDir: string, command: string | null): Promise<void> {
  await mkdir(configDir, { recursive: true });
  const file = path.join(configDir, FILE);
  const staging = `${file}.${process.pid}.part`;
  await writeFile(staging, JSON.stringify({ command: command?.trim() ?? '' }) + '\n', { mode: 0o600 });
  await rename(staging, file);
}
