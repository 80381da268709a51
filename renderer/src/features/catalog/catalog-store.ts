/**
 * The catalog as the image step shows it: the boards, the chosen board, what fits it (newest stable
 * recommended), a search, and containers the user added. One click on an entry chooses it. It shows what the core has at once (cache
 * or snapshot) and refreshes in the background; a source that failed is a quiet notice, not an error.
 * Picking an entry hands it to whoever makes it a file (download or build), passed in as `actions`:
 * a raw image is chosen as it is and written while it downloads, except offline, where trying the
 * download at once says so (with the ways on) before the person goes any further.
 */
import { createStore } from 'zustand/vanilla';
import type { FiotApi } from '../../../../shared/contract';
import { deliveryExplained, type Arch, type Board, type Delivery } from '../../../../shared/domain/board';
import { catalogOffline, compareEntries, entriesForBoard, offeredNow, someSourceAnswered, type BoardEntry, type Catalog, type CatalogEntry } from '../../../../shared/domain/catalog';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';
import { choiceShown, type PickState } from './choice-shown';
import { entryTitle } from './entry-words';
import type { RemoteImage } from '../image/image-store';

export interface CatalogActions {
  /** Downloads a raw image (verified against its sha256 when known); it becomes the chosen image. */
  download(url: string, sha256: string | null): Promise<void> | void;
  /** Chooses a raw image to be written while it downloads (one already cached is simply used). */
  writeWhileDownloading(image: RemoteImage): Promise<void> | void;
  /** Prepares a bootc build of the reference for the architecture (the Build tab runs it). */
  prepareBuild(reference: string, arch: Arch): void;
  /** Sets the first-boot provisioning to `bootc switch` to the reference. */
  switchAtFirstBoot(reference: string): void;
  /** The address of a download whose failure is on screen, or null. */
  failedDownload(): string | null;
}

/** What picking an entry did, in one sentence the UI shows. */
export interface Picked {
  entryId: string;
  delivery: Delivery;
  message: string;
  /** For published-raw+bootc-switch: the container the card should switch to at first boot. */
  bootcSwitch?: string;
}

export interface CatalogState extends PickState {
  catalog: Catalog | null;
  boards: Board[];
  boardId: string | null;
  /** The entry the user clicked: chosen at once (download, build or switch started). */
  selectedId: string | null;
  query: string;
  custom: CatalogEntry[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  refreshing: boolean;
  /** When the last refresh this page asked for ended (ISO), so a Retry shows that it tried. */
  triedAt: string | null;
  error: ErrorInfo | null;
  customError: ErrorInfo | null;
  adding: boolean;
  picked: Picked | null;
  /** Shows the cached catalog at once, then refreshes in the background. */
  load(): Promise<void>;
  refresh(): Promise<void>;
  chooseBoard(id: string | null): void;
  setQuery(query: string): void;
  addCustom(reference: string): Promise<boolean>;
  /** Chooses an entry in one step: it is selected and handed to its delivery. */
  choose(entryId: string): Promise<void>;
  /** Another source's image was chosen: no entry stays highlighted as if it were the choice. */
  forgetChoice(): void;
  /** Subscribes to catalog:changed; returns the unsubscribe. */
  watch(): () => void;
}

type View = Pick<CatalogState, 'catalog' | 'boards' | 'boardId' | 'query' | 'custom'>;

export function chosenBoard(state: Pick<CatalogState, 'boards' | 'boardId'>): Board | null {
  return state.boards.find((b) => b.id === state.boardId) ?? null;
}

function searchText(entry: CatalogEntry, delivery: Delivery): string {
  const kind = entry.kind === 'raw-image' ? 'raw image ready-made' : 'bootc container';
  return [kind, entry.variant, entry.version, entry.architectures.join(' '), entry.date ?? '', entry.reference ?? '', entry.url ?? '', delivery, entry.stable ? 'stable' : 'prerelease']
    .join(' ')
    .toLowerCase();
}

/** What the chosen board can take, newest stable first, narrowed by the search words. */
export function visibleEntries(state: View): BoardEntry[] {
  const board = chosenBoard(state);
  if (!board || !state.catalog) return [];
  const fitting = entriesForBoard({ entries: [...state.custom, ...state.catalog.entries] }, board);
  const words = state.query.toLowerCase().split(/\s+/).filter(Boolean);
  return fitting.filter(({ entry, delivery }) => words.every((w) => searchText(entry, delivery).includes(w)));
}

/**
 * The entry to suggest (never chosen for the user: choosing starts a download): the newest stable
 * one. When some source answered, only among what a source that answered offers: a release known
 * only from the shipped list (which the person's mirror lacks) is not the one to suggest.
 */
export function recommendedId(state: View): string | null {
  const fitting = visibleEntries({ ...state, query: '' });
  const catalog = state.catalog;
  // A container the person added is theirs: it counts as offered.
  const offered = catalog && someSourceAnswered(catalog) ? fitting.filter((f) => f.entry.source === 'custom' || offeredNow(catalog, f.entry)) : [];
  const from = offered.length > 0 ? offered : fitting;
  return (from.find((f) => f.entry.stable) ?? from[0])?.entry.id ?? null;
}

/** A published raw image as the write sees it before it is downloaded. */
function remoteImage(entry: CatalogEntry & { url: string }, board: Board): RemoteImage {
  return {
    url: entry.url,
    ...(entry.sha256 ? { sha256: entry.sha256 } : {}),
    name: entry.url.slice(entry.url.lastIndexOf('/') + 1),
    fileSize: entry.size,
    imageSize: entry.imageSize,
    arch: entry.architectures.includes(board.arch) ? board.arch : (entry.architectures[0] ?? null),
  };
}

/** The newest stable published raw image for a board, preferring the container's release. */
function rawImageFor(entries: CatalogEntry[], board: Board, version: string): CatalogEntry | null {
  const raw = entries.filter((e) => e.kind === 'raw-image' && e.url && e.architectures.includes(board.arch)).sort(compareEntries);
  return raw.find((e) => e.version === version) ?? raw.find((e) => e.stable) ?? null;
}

export function createCatalogStore(api: Pick<FiotApi, 'invoke' | 'on'>, actions: CatalogActions) {
  return createStore<CatalogState>()((set, get) => ({
    catalog: null,
    boards: [],
    boardId: null,
    selectedId: null,
    heldId: null,
    tryingUrl: null,
    query: '',
    custom: [],
    status: 'idle',
    refreshing: false,
    triedAt: null,
    error: null,
    customError: null,
    adding: false,
    picked: null,

    async load() {
      set({ status: 'loading', error: null });
      try {
        const [catalog, { boards }] = await Promise.all([api.invoke('catalog:get', {}), api.invoke('boards:list', {})]);
        set({ catalog, boards, status: 'ready' });
      } catch (error) {
        set({ status: 'error', error: toErrorInfo(error) });
        return;
      }
      void get().refresh();
    },

    async refresh() {
      if (get().refreshing) return;
      set({ refreshing: true });
      try {
        set({ catalog: await api.invoke('catalog:refresh', {}) });
      } catch (error) {
        // The catalog already shown stays; the failure is one more quiet notice.
        set({ error: toErrorInfo(error) });
      } finally {
        set({ refreshing: false, triedAt: new Date().toISOString() });
      }
    },

    forgetChoice() {
      if (get().selectedId !== null || get().picked !== null) set({ selectedId: null, heldId: null, tryingUrl: null, picked: null });
    },

    chooseBoard(id) {
      set({ boardId: id, selectedId: null, heldId: null, tryingUrl: null, picked: null });
    },

    setQuery(query) {
      set({ query });
    },

    async addCustom(reference) {
      const trimmed = reference.trim();
      set({ adding: true, customError: null });
      try {
        const entry = await api.invoke('catalog:inspect', { reference: trimmed });
        set((s) => ({ custom: [entry, ...s.custom.filter((e) => e.id !== entry.id)] }));
        return true;
      } catch (error) {
        set({ customError: toErrorInfo(error) });
        return false;
      } finally {
        set({ adding: false });
      }
    },

    async choose(entryId) {
      // What was shown as chosen before the click stays the choice if this one's image fails.
      const held = choiceShown(get(), actions.failedDownload()).chosenId;
      set({ selectedId: entryId, heldId: held === entryId ? null : held, tryingUrl: null, picked: null, error: null });
      const state = get();
      const board = chosenBoard(state);
      const chosen = visibleEntries({ ...state, query: '' }).find((f) => f.entry.id === entryId);
      if (!board || !chosen || !state.catalog) return;
      const { entry, delivery } = chosen;
      const catalog = state.catalog;
      // Tried at once (its failure said now, with the ways on) when offline, or when no source that
      // answered offers it (a release the person's mirror lacks); otherwise written while it downloads.
      const tryNow = (raw: CatalogEntry) => catalogOffline(catalog) || (someSourceAnswered(catalog) && !offeredNow(catalog, raw));
      const takeRaw = async (raw: CatalogEntry & { url: string }) => {
        set({ tryingUrl: raw.url });
        try {
          await (tryNow(raw) ? actions.download(raw.url, raw.sha256) : actions.writeWhileDownloading(remoteImage(raw, board)));
        } catch (error) {
          // Refused before anything started (a station that does not fetch from its own machine):
          // nothing was chosen, so the choice before the click stands.
          set({ selectedId: held, heldId: null, tryingUrl: null, picked: null, error: toErrorInfo(error) });
        }
      };
      if (delivery === 'published-raw' && entry.url) {
        set({ picked: { entryId: entry.id, delivery, message: `${entryTitle(entry, board)}. ${deliveryExplained[delivery]}` } });
        await takeRaw({ ...entry, url: entry.url });
      } else if (delivery === 'bootc-built-raw' && entry.reference) {
        actions.prepareBuild(entry.reference, board.arch);
        set({ picked: { entryId: entry.id, delivery, message: `Ready to build ${entry.reference} for ${board.arch}: open the Build tab to start it.` } });
      } else if (delivery === 'published-raw+bootc-switch' && entry.reference) {
        const raw = rawImageFor(state.catalog.entries, board, entry.version);
        if (!raw?.url) {
          set({ selectedId: held, heldId: null, picked: null, error: { code: 'NOT_FOUND', message: `No published raw image for ${board.arch} to start ${entry.reference} from.`, hint: 'Refresh the catalog, or choose a raw image.' } });
          return;
        }
        actions.switchAtFirstBoot(entry.reference);
        set({
          picked: {
            entryId: entry.id,
            delivery,
            bootcSwitch: entry.reference,
            message: `Fedora IoT ${raw.version} for ${board.name}; at first boot the card switches to ${entry.reference} (set in the First boot step, where you can change it).`,
          },
        });
        await takeRaw({ ...raw, url: raw.url });
      }
    },

    watch() {
      return api.on('catalog:changed', (catalog) => set({ catalog }));
    },
  }));
}

export type CatalogStore = ReturnType<typeof createCatalogStore>;
