/**
 * A bench session's device table, counted: how many rows it has and how many no verified card
 * holds yet. Station mode hands rows to cards in insertion order and shows "12 of 12 done" from it.
 */
import type { BenchRequest } from '../../../shared/api/bench';

export interface TableCount {
  rows: number;
  /** Rows no verified card holds (reserved rows of running jobs are counted here too). */
  left: number;
}

/** Null for a session without a table. Bad profile or table input throws INVALID_INPUT, naming the line. */
export async function countTableRows(request: BenchRequest, configDir: string | undefined): Promise<TableCount | null> {
  if (!request.table) return null;
  // Loaded only for sessions with a table, as the flash job loads the provision domain.
  const { previewBatch } = await import('../provision/plan-flash');
  const { readDeviceTable } = await import('../../../shared/provisioning');
  const { rowsLeft } = await previewBatch(request, 1, configDir);
  const rows = readDeviceTable(request.table.text, request.provisioning).table?.rows.length ?? 0;
  return { rows, left: rowsLeft ?? rows };
}
