/**
 * The check-in log, `checkins.jsonl` in the config folder: one line each time a card's check-in
 * changes (awaited, came up, not heard from); the last line for a card wins. Kept apart from the
 * flash history, which is written once per job and never rewritten; the history joins it when read.
 * It holds what the device reported, never a token or its hash.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { cardCheckinSchema, type CardCheckin } from '../../../shared/domain/checkin';
import type { HistoryEntry } from '../../../shared/domain/history';

export const CHECKIN_LOG = 'checkins.jsonl';

export function checkinKey(jobId: string, card: number): string {
  return `${jobId}#${card}`;
}

export async function appendCheckin(configDir: string, checkin: CardCheckin): Promise<void> {
  await fs.mkdir(configDir, { recursive: true });
  await fs.appendFile(path.join(configDir, CHECKIN_LOG), JSON.stringify(cardCheckinSchema.parse(checkin)) + '\n', { mode: 0o600 });
}

/** A card still awaited after its wait ran out (the app was closed meanwhile) was not heard from. */
export function overdue(checkin: CardCheckin, now: number): CardCheckin {
  const expired = Date.parse(checkin.since) + checkin.waitMinutes * 60_000 <= now;
  return checkin.state === 'awaiting' && expired ? { ...checkin, state: 'silent' } : checkin;
}

/** Every card's latest check-in, by checkinKey, in the order first seen. */
export async function readCheckins(configDir: string, now = Date.now()): Promise<Map<string, CardCheckin>> {
  let text = '';
  try {
    text = await fs.readFile(path.join(configDir, CHECKIN_LOG), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const cards = new Map<string, CardCheckin>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = cardCheckinSchema.safeParse(JSON.parse(line));
      if (parsed.success) cards.set(checkinKey(parsed.data.jobId, parsed.data.card), overdue(parsed.data, now));
    } catch {
      // A torn line (a full disk) is skipped, as the history skips one.
    }
  }
  return cards;
}

/** History entries with each card's check-in, where it had one. */
export async function withCheckins(configDir: string, entries: HistoryEntry[]): Promise<HistoryEntry[]> {
  const cards = await readCheckins(configDir);
  if (cards.size === 0) return entries;
  return entries.map((entry) => {
    const checkin = cards.get(checkinKey(entry.jobId, entry.card));
    return checkin ? { ...entry, checkin } : entry;
  });
}
