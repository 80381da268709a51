/**
 * A fleet batch's values beyond the profile: the device table (CSV, checked whole with line and
 * column before anything is written), the summary of which card gets which name and row
 * (batch:preview), and the user's agreement to write a name the history already holds.
 */
import { createStore } from 'zustand/vanilla';
import type { FiotApi, ResultOf } from '../../../../shared/contract';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';
import { emptyRowsNote, readDeviceTable, type DeviceRow, type Problem } from '../../../../shared/provisioning';

export type BatchPreview = ResultOf<'batch:preview'>;

export interface DeviceTableInput {
  text: string;
  name: string;
}

export interface FleetState {
  table: DeviceTableInput | null;
  /** What is wrong with the table, each naming its line and column; nothing is written while any remain. */
  tableProblems: Problem[];
  /**
   * The name of a table that was in use before the page reloaded but could not be brought back
   * (its text was not kept): nothing is written until it is imported again or removed, since the
   * cards would otherwise go out without the names and addresses the plan promised.
   */
  tableLost: string | null;
  tableRows: number;
  /** The checked rows, each with its card's whole profile (empty while the table has problems). */
  tableDevices: DeviceRow[];
  /** Which row the config preview shows (0-based): a field tech checks what card 7 gets. */
  previewRow: number;
  /** The person picked the row shown; until then it follows the next unused row. */
  previewRowChosen: boolean;
  /**
   * The table's rows already written (1 = first device), as the core keeps them across reloads and
   * restarts; null until known (no table, or settings the core cannot plan with yet).
   */
  rowsUsed: number[] | null;
  /** "2 empty rows skipped (lines 14, 15)." when the table had rows with every cell empty. */
  tableEmptyRows: string | null;
  preview: BatchPreview | null;
  previewError: ErrorInfo | null;
  /** The user agreed to write names the history already holds (for the names in `preview`). */
  repeatsConfirmed: boolean;
  importTable(text: string, name: string, profile: unknown): void;
  /** Re-checks the table when the profile under it changes (a row fills the profile). */
  recheckTable(profile: unknown): void;
  clearTable(): void;
  /** The table named `name` was in use but its rows could not be restored. */
  tableNotRestored(name: string): void;
  showRow(index: number): void;
  /** Asks the core which of the table's rows are written already (after a table, a settings change or a write). */
  loadRowsUsed(request: { provisioning?: unknown; counterStart?: number }): Promise<void>;
  /** `devices`: the chosen targets, in order: a name the history holds for that same card is no repeat. */
  loadPreview(request: { provisioning?: unknown; counterStart?: number }, devices: string[]): Promise<void>;
  confirmRepeats(confirmed: boolean): void;
  /** A write started: the summary's numbers and rows are being taken, so it no longer holds. */
  clearPreview(): void;
  /** What flash:start carries from here. */
  flashFields(): { table?: { text: string; name: string }; allowDuplicateHostnames?: boolean };
}

/** No rows: one empty list, so selectors return the same value while there is no table. */
const NO_DEVICES: DeviceRow[] = [];

/** Cards at most that one summary lists (the contract's bound for batch:preview). */
const PREVIEW_LIMIT = 256;

export function createFleetStore(api: Pick<FiotApi, 'invoke'>) {
  return createStore<FleetState>()((set, get) => {
    let generation = 0;
    let usedGeneration = 0;
    const check = (table: DeviceTableInput, profile: unknown) => {
      const { table: parsed, problems } = readDeviceTable(table.text, profile);
      const devices = parsed?.rows ?? NO_DEVICES;
      // The profile under the table changed or a new table came: keep the row shown while it exists.
      const same = table.text === get().table?.text;
      const previewRow = same && get().previewRow < devices.length ? get().previewRow : 0;
      set({ ...(same ? {} : { rowsUsed: null, previewRowChosen: false }), table, tableLost: null, tableProblems: problems, tableRows: devices.length, tableDevices: devices, previewRow, tableEmptyRows: parsed ? emptyRowsNote(parsed) : null, preview: null, repeatsConfirmed: false });
    };
    return {
      table: null,
      tableProblems: [],
      tableLost: null,
      tableRows: 0,
      tableDevices: NO_DEVICES,
      previewRow: 0,
      previewRowChosen: false,
      rowsUsed: null,
      tableEmptyRows: null,
      preview: null,
      previewError: null,
      repeatsConfirmed: false,

      importTable(text, name, profile) {
        check({ text, name }, profile);
      },
      recheckTable(profile) {
        const { table } = get();
        if (table) check(table, profile);
      },
      clearTable() {
        usedGeneration++;
        set({ table: null, tableLost: null, tableProblems: [], tableRows: 0, tableDevices: NO_DEVICES, previewRow: 0, previewRowChosen: false, rowsUsed: null, tableEmptyRows: null, preview: null, repeatsConfirmed: false });
      },
      tableNotRestored(name) {
        get().clearTable();
        set({ tableLost: name });
      },
      showRow(index) {
        if (index >= 0 && index < get().tableDevices.length) set({ previewRow: index, previewRowChosen: true });
      },
      async loadRowsUsed(request) {
        const mine = ++usedGeneration;
        const { table, tableProblems } = get();
        if (!table || tableProblems.length || !request.provisioning) return;
        try {
          const { rowsUsed } = await api.invoke('batch:preview', { ...request, table, cards: 1 });
          if (mine !== usedGeneration || get().table?.text !== table.text || !rowsUsed) return;
          const next = nextUnusedIndex(get().tableDevices, rowsUsed);
          set({ rowsUsed, ...(get().previewRowChosen || next === null ? {} : { previewRow: next }) });
        } catch {
          // Settings the core cannot plan with yet: their problems are shown where they are typed.
          if (mine === usedGeneration) set({ rowsUsed: null });
        }
      },
      async loadPreview(request, devices) {
        const cards = Math.min(devices.length, PREVIEW_LIMIT);
        const mine = ++generation;
        const { table, tableProblems } = get();
        if (!request.provisioning || cards === 0 || tableProblems.length) {
          set({ preview: null, previewError: null });
          return;
        }
        // The old map names other cards or numbers: never show it for the new request.
        const previous = get().preview;
        set({ preview: null });
        try {
          const preview = await api.invoke('batch:preview', { ...request, ...(table ? { table } : {}), cards, devices: devices.slice(0, cards) });
          if (mine !== generation) return;
          const same = preview.repeatedNames.join('\n') === previous?.repeatedNames.join('\n');
          set({ preview, previewError: null, repeatsConfirmed: same && get().repeatsConfirmed });
        } catch (error) {
          if (mine === generation) set({ preview: null, previewError: toErrorInfo(error) });
        }
      },
      confirmRepeats(confirmed) {
        set({ repeatsConfirmed: confirmed });
      },
      clearPreview() {
        generation++;
        set({ preview: null, repeatsConfirmed: false });
      },
      flashFields() {
        const { table, repeatsConfirmed, preview } = get();
        return { ...(table ? { table } : {}), ...(repeatsConfirmed && preview?.repeatedNames.length ? { allowDuplicateHostnames: true } : {}) };
      },
    };
  });
}

export type FleetStore = ReturnType<typeof createFleetStore>;

/** Why the write must wait, in words; null when the summary allows it. */
export function batchBlocker(state: Pick<FleetState, 'table' | 'tableLost' | 'tableProblems' | 'preview' | 'previewError' | 'repeatsConfirmed'>, cards: number): string | null {
  if (state.tableLost) return tableLostWords(state.tableLost);
  if (state.tableProblems.length) return 'Correct the device table first (First boot step).';
  if (state.previewError) return state.previewError.message;
  if (state.table && state.preview && (state.preview.rowsLeft ?? 0) < cards) return `The device table has ${state.preview.rowsLeft ?? 0} unused rows for ${cards} cards: add rows, or choose fewer cards.`;
  if (state.preview?.repeatedNames.length && !state.repeatsConfirmed) return 'Confirm the repeated names above, or change the numbering.';
  return null;
}

/** Why nothing is written while a table in use before a reload is missing, and what to do. */
export function tableLostWords(name: string): string {
  return `The device table ${name} could not be brought back after the page reloaded, so the cards would get no names or addresses from it: import it again in the First boot step (or remove it there) before writing.`;
}

/** The index (0-based) of the first row not written yet; null when every row is. */
export function nextUnusedIndex(devices: Array<Pick<DeviceRow, 'row'>>, rowsUsed: readonly number[]): number | null {
  const used = new Set(rowsUsed);
  const index = devices.findIndex((device) => !used.has(device.row));
  return index < 0 ? null : index;
}
