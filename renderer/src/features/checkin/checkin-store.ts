/**
 * Check-in as the page sees it: whether the next run asks the devices to report (on by default for
 * a batch and the card bench, off for a single card unless switched on), the address they report
 * to, and the recent cards' check-ins, pushed as checkin:changed while the core listens.
 */
import { createStore } from 'zustand/vanilla';
import type { CardCheckin, CheckinRequest } from '../../../../shared/domain/checkin';
import type { FiotApi } from '../../../../shared/contract';

export interface CheckinState {
  /** The person's choice; null leaves the default (on for a batch). */
  wanted: boolean | null;
  /** The address the devices report to ('' until this machine's addresses are known). */
  address: string;
  addresses: string[];
  cards: CardCheckin[];
  load(): Promise<void>;
  /** Subscribes to checkin:changed; returns the unsubscribe. */
  watch(): () => void;
  setWanted(on: boolean): void;
  setAddress(address: string): void;
  /**
   * Whether the next run asks for check-in: the person's choice, else on for a batch, but only
   * where the devices can reach the address (`reachable`, by default as the store was told).
   */
  isOn(batch: boolean, reachable?: boolean): boolean;
  /** The flash request's `checkin`, when on. */
  flashFields(batch: boolean): { checkin?: CheckinRequest };
}

/** A card's check-in by its job and device (the tiles and the result know cards by device). */
export function checkinOf(cards: CardCheckin[], jobId: string | undefined, device: string): CardCheckin | undefined {
  return jobId === undefined ? undefined : cards.find((card) => card.jobId === jobId && card.device === device);
}

export interface CheckinOptions {
  /** Whether the next write's devices can reach this address (a fixed address with no gateway may not). */
  reachable?(address: string): boolean;
}

export function createCheckinStore(api: Pick<FiotApi, 'invoke' | 'on'>, options: CheckinOptions = {}) {
  return createStore<CheckinState>()((set, get) => ({
    wanted: null,
    address: '',
    addresses: [],
    cards: [],
    async load() {
      const [{ addresses, suggested }, { cards }] = await Promise.all([api.invoke('checkin:addresses', {}), api.invoke('checkin:list', {})]);
      set((state) => ({ addresses, cards, address: state.address || (suggested ?? addresses[0] ?? '') }));
    },
    watch: () => api.on('checkin:changed', ({ cards }) => set({ cards })),
    setWanted: (on) => set({ wanted: on }),
    setAddress: (address) => set({ address }),
    // On by default with an address the devices cannot reach, every tile would wait for nothing.
    isOn: (batch, reachable = options.reachable?.(get().address) ?? true) => (get().wanted ?? (batch && reachable)) && get().address !== '',
    flashFields(batch) {
      return get().isOn(batch) ? { checkin: { address: get().address } } : {};
    },
  }));
}

export type CheckinStore = ReturnType<typeof createCheckinStore>;
