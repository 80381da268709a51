/**
 * Which step of the flow the user is looking at, and which source tab the image step shows (an
 * error elsewhere may send the user to another source). The steps themselves are listed once in
 * renderer/src/steps.tsx; this store only remembers where the user is.
 */
import { createStore } from 'zustand/vanilla';

export interface UiState {
  step: string;
  imageSource: string;
  /** The steps the user has opened: a step never opened shows no ✓, even when it needs nothing. */
  visited: string[];
  goTo(step: string): void;
  /** Opens the image step on one of its sources (an id of `imageSources`). */
  showImageSource(source: string): void;
}

export function createUiStore(first = 'image', firstSource = 'catalog') {
  const visit = (visited: string[], step: string) => (visited.includes(step) ? visited : [...visited, step]);
  return createStore<UiState>()((set, get) => ({
    step: first,
    imageSource: firstSource,
    visited: [first],
    goTo: (step) => set({ step, visited: visit(get().visited, step) }),
    showImageSource: (imageSource) => set({ step: 'image', imageSource, visited: visit(get().visited, 'image') }),
  }));
}

export type UiStore = ReturnType<typeof createUiStore>;
