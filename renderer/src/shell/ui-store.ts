/**
 * Which step of the flow the user is looking at. The steps themselves are listed once in
 * renderer/src/steps.tsx; this store only remembers the current one.
 */
import { createStore } from 'zustand/vanilla';

export interface UiState {
  step: string;
  goTo(step: string): void;
}

export function createUiStore(first = 'image') {
  return createStore<UiState>()((set) => ({
    step: first,
    goTo: (step) => set({ step }),
  }));
}
