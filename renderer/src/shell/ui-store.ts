/**
 * Which step of the flow the user is looking at, and which source tab the image step shows (an
 * error elsewhere may send the user to another source). The steps themselves are listed once in
 * renderer/src/steps.tsx; this store only remembers where the user is.
 */
import { createStore } from 'zustand/vanilla';

export interface UiState {
  step: string;
  imageSource: string;
  goTo(step: string): void;
  /** Opens the image step on one of its sources (an id of `imageSources`). */
  showImageSource(source: string): void;
}

export function createUiStore(first = 'image', firstSource = 'catalog') {
  return createStore<UiState>()((set) => ({
    step: first,
    imageSource: firstSource,
    goTo: (step) => set({ step }),
    showImageSource: (imageSource) => set({ step: 'image', imageSource }),
  }));
}

export type UiStore = ReturnType<typeof createUiStore>;
