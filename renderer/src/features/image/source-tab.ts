/**
 * Switching the image step to another source from a button inside the current one ("Use a file you
 * have", "Use a cached image"): that button disappears with its source, so the keyboard is put on
 * the tab now shown instead of falling to the page.
 */
import { uiStore } from '../../stores';

/** The id of a source's tab in the image step. */
export const sourceTabId = (sourceId: string): string => `image-tab-${sourceId}`;

export function openSourceTab(sourceId: string): void {
  uiStore.getState().showImageSource(sourceId);
  // The tab is focused once React has shown the new source (the old one, and the button, are gone).
  requestAnimationFrame(() => document.getElementById(sourceTabId(sourceId))?.focus());
}
