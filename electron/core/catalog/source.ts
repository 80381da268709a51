/** What every catalog source looks like to the service: a fetch that may reuse its earlier answer. */
import type { CatalogEntry } from '../../../shared/domain/catalog';
import type { FetchLike, Validators } from './http';

/** A source's last answer, as kept in the on-disk cache. */
export interface SourceState {
  entries: CatalogEntry[];
  /** Per-URL validators for conditional requests next time. */
  validators: Record<string, Validators>;
  checkedAt: string | null;
}

export interface SourceOutcome {
  entries: CatalogEntry[];
  validators: Record<string, Validators>;
  /** True when the server said nothing changed (304) and the earlier entries were kept. */
  unchanged: boolean;
  /** A quiet note when part of the source failed but the rest answered. */
  note?: string;
}

export interface SourceContext {
  previous: SourceState | undefined;
  /** Entries known before this refresh (cache or snapshot), e.g. to know which releases exist. */
  known: CatalogEntry[];
  timeoutMs: number;
  fetchImpl?: FetchLike;
}

export interface CatalogSource {
  id: string;
  /** The address it asks, where one names it (the images tree): shown so a person knows their mirror. */
  address?: string;
  /** Snapshot entries this source replaces when it answers (and stands in for when it never has). */
  owns(entry: CatalogEntry): boolean;
  run(ctx: SourceContext): Promise<SourceOutcome>;
}
