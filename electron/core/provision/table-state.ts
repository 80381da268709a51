/**
 * Which device-table rows have been given to a card, in <configDir>/table-rows.json. A row is
 * known by the sha256 of its values (and, for a repeat of an identical row, its count), so a table that gains rows, or is saved elsewhere, keeps
 * its state. Rows are reserved when a write starts (two processes never take the same row) and
 * marked used when the card is verified; a failed card's row is released for the next run.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { DeviceRow } from '../../../shared/provisioning';
import { isAlive } from '../images/cache/lock-file';
import { readJsonState, updateJsonState } from './config-file';

export const TABLE_STATE_FILE = 'table-rows.json';

const reservationSchema = z.object({ jobId: z.string(), pid: z.number().int().positive(), host: z.string() });
type Reservation = z.infer<typeof reservationSchema>;

const tableFileSchema = z.object({
  format: z.literal('fiot-table-rows/1'),
  used: z.record(z.string(), z.object({ time: z.string(), jobId: z.string(), device: z.string() })),
  reserved: z.record(z.string(), reservationSchema),
});
type TableFile = z.infer<typeof tableFileSchema>;

const EMPTY: TableFile = { format: 'fiot-table-rows/1', used: {}, reserved: {} };

export function rowKey(row: Pick<DeviceRow, 'values' | 'repeat'>): string {
  const sorted = Object.entries(row.values).sort(([a], [b]) => a.localeCompare(b));
  // Identical rows are different cards: the second and later carry their count, so one card
  // written does not mark them all used (the first keeps the key it always had).
  const key = row.repeat ? [...sorted, ['#repeat', String(row.repeat)]] : sorted;
  return createHash('sha256').update(JSON.stringify(key)).digest('hex');
}

/** A reservation whose process is gone on this machine ended without settling: its row is free. */
function isStale(reservation: Reservation): boolean {
  return reservation.host === os.hostname() && !isAlive(reservation.pid);
}

export class TableState {
  private readonly file: string;

  constructor(configDir: string) {
    this.file = path.join(configDir, TABLE_STATE_FILE);
  }

  /** For each row, whether a verified card already holds it. */
  async usedRows(rows: DeviceRow[]): Promise<boolean[]> {
    const { used } = await readJsonState(this.file, EMPTY, tableFileSchema);
    return rows.map((row) => rowKey(row) in used);
  }

  /** The first `count` rows neither used nor reserved, in table order, now reserved for `jobId`; fewer when the table runs out. */
  async reserve(rows: DeviceRow[], count: number, jobId: string): Promise<DeviceRow[]> {
    return updateJsonState(this.file, EMPTY, tableFileSchema, (state) => {
      const reserved = Object.fromEntries(Object.entries(state.reserved).filter(([, r]) => !isStale(r)));
      const free = rows.filter((row) => !(rowKey(row) in state.used) && !(rowKey(row) in reserved)).slice(0, count);
      for (const row of free) reserved[rowKey(row)] = { jobId, pid: process.pid, host: os.hostname() };
      return { state: { ...state, reserved }, result: free };
    });
  }

  /** Marks the verified cards' rows used and releases every other row the job reserved. */
  async settle(jobId: string, verified: Array<{ row: DeviceRow; device: string }>): Promise<void> {
    await updateJsonState(this.file, EMPTY, tableFileSchema, (state) => {
      const used = { ...state.used };
      const time = new Date().toISOString();
      for (const { row, device } of verified) used[rowKey(row)] = { time, jobId, device };
      const reserved = Object.fromEntries(Object.entries(state.reserved).filter(([, r]) => r.jobId !== jobId));
      return { state: { ...state, used, reserved }, result: undefined };
    });
  }
}
