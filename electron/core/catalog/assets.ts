/**
 * The data shipped with the app: board profiles and the embedded catalog snapshot (assets/).
 * Imported as modules so the Electron bundle carries them inline; validated once on first use so a
 * bad edit to the JSON fails loudly in tests rather than quietly in the UI.
 */
import boardsJson from '../../../assets/boards.json';
import snapshotJson from '../../../assets/catalog-snapshot.json';
import { z } from 'zod';
import { boardListSchema, type Board } from '../../../shared/domain/board';
import { catalogEntrySchema, type CatalogEntry } from '../../../shared/domain/catalog';

const snapshotSchema = z.object({
  snapshotDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  note: z.string(),
  entries: z.array(catalogEntrySchema),
});

export interface Snapshot {
  snapshotDate: string;
  note: string;
  entries: CatalogEntry[];
}

let boards: Board[] | undefined;
let snapshot: Snapshot | undefined;

export function loadBoards(): Board[] {
  boards ??= boardListSchema.parse(boardsJson).boards;
  return boards;
}

export function loadSnapshot(): Snapshot {
  snapshot ??= snapshotSchema.parse(snapshotJson);
  return snapshot;
}
