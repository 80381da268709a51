/**
 * The device table as the First boot step's summary and preview show it: which devices it holds
 * ("12 devices from sites.csv: site-pump-01 … site-pump-12"), and the exact config the chosen
 * row's card gets, planned here with the same pure code the core writes with.
 */
import { useMemo } from 'react';
import { planForCard, type Problem, type ProvisioningPlan } from '../../../../shared/provisioning';
import type { TableFacts } from '../provisioning/profile-summary';
import { useFleet, useProfile } from '../../stores';

/** The table in use, for the summary (no devices while it needs correcting); undefined without one. */
export function useTableFacts(): TableFacts | undefined {
  const name = useFleet((s) => s.table?.name);
  const devices = useFleet((s) => s.tableDevices);
  const rowsUsed = useFleet((s) => s.rowsUsed);
  const lost = useFleet((s) => s.tableLost);
  return useMemo(() => {
    if (name) return { name, hostnames: devices.map((d) => d.values.hostname), addresses: devices.some((d) => d.values.ip !== undefined), ...(rowsUsed ? { rowsUsed } : {}) };
    return lost ? { name: lost, hostnames: [], addresses: false, lost: true } : undefined;
  }, [name, devices, rowsUsed, lost]);
}

export interface ShownRow {
  /** 0-based among the table's rows. */
  index: number;
  /** The row's number (1 = first device). */
  row: number;
  /** Written already (its card is out): shown, but no card gets it again. */
  used: boolean;
  count: number;
  /** The table file's line the row is on. */
  line: number;
  tableName: string;
  /** The card's {n}: the series' next number for the first row, and on from there. */
  n: number;
  plan?: ProvisioningPlan;
  problems: Problem[];
}

/** The row the preview shows and its card's plan; null without a usable table. */
export function useShownRow(): ShownRow | null {
  const devices = useFleet((s) => s.tableDevices);
  const index = useFleet((s) => s.previewRow);
  const tableName = useFleet((s) => s.table?.name ?? '');
  const from = useProfile((s) => s.previewFrom);
  const rowsUsed = useFleet((s) => s.rowsUsed);
  return useMemo(() => {
    const row = devices[index];
    if (!row) return null;
    // The unused rows take the next numbers in order; the written ones had theirs.
    const used = new Set(rowsUsed ?? []);
    const n = from + devices.slice(0, index).filter((d) => !used.has(d.row)).length;
    return { index, row: row.row, used: used.has(row.row), count: devices.length, line: row.line, tableName, n, ...planForCard(row.profile, n) };
  }, [devices, index, tableName, from, rowsUsed]);
}
