/**
 * Hostname series that never repeat: for each hostname pattern with a counter (`sensor-{n:03}`)
 * the next number is kept in <configDir>/series.json. Every front end (app, station, CLI) takes
 * numbers from here when a write starts, so a second batch, or a second process, continues the
 * series. Keyed by the pattern, not the profile's name: two profiles that produce the same names
 * share one series, which is what keeps the names unique.
 */
import path from 'node:path';
import { z } from 'zod';
import { FiotError } from '../../../shared/errors';
import { COUNTER_MAX } from '../../../shared/provisioning/counter';
import { readJsonState, updateJsonState } from './config-file';

export const SERIES_FILE = 'series.json';

/** `next` one past COUNTER_MAX is a series that has handed out its last number. */
const seriesStateSchema = z.object({
  format: z.literal('fiot-series/1'),
  patterns: z.record(z.string(), z.object({ next: z.number().int().min(0).max(COUNTER_MAX + 1), updatedAt: z.string() })),
});
type SeriesState = z.infer<typeof seriesStateSchema>;

const EMPTY: SeriesState = { format: 'fiot-series/1', patterns: {} };

export class SeriesStore {
  private readonly file: string;

  constructor(configDir: string) {
    this.file = path.join(configDir, SERIES_FILE);
  }

  /** The number the next card written with this pattern gets (1 for a new pattern). */
  async peek(pattern: string): Promise<number> {
    return (await readJsonState(this.file, EMPTY, seriesStateSchema)).patterns[pattern]?.next ?? 1;
  }

  /** Every pattern's next number. */
  async list(): Promise<Record<string, number>> {
    const { patterns } = await readJsonState(this.file, EMPTY, seriesStateSchema);
    return Object.fromEntries(Object.entries(patterns).map(([pattern, { next }]) => [pattern, next]));
  }

  /**
   * Takes `count` numbers, atomically across processes, and returns the first. `start` (the
   * user's --counter-start) sets where the series continues from.
   */
  async take(pattern: string, count: number, start?: number): Promise<number> {
    return updateJsonState(this.file, EMPTY, seriesStateSchema, (state) => {
      const first = start ?? state.patterns[pattern]?.next ?? 1;
      if (first + count - 1 > COUNTER_MAX) {
        throw new FiotError('INVALID_INPUT', `The series of “${pattern}” would pass ${COUNTER_MAX} (the largest number a card may get) with ${count} more card${count === 1 ? '' : 's'}; nothing was written.`,
          'Start a new series: give --counter-start with a smaller number, or change the hostname pattern.');
      }
      const patterns = { ...state.patterns, [pattern]: { next: first + count, updatedAt: new Date().toISOString() } };
      return { state: { ...state, patterns }, result: first };
    });
  }

  /** Sets the next number outright (the UI's "continue from"). */
  async set(pattern: string, next: number): Promise<void> {
    await this.take(pattern, 0, next);
  }
}
