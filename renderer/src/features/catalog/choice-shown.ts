/**
 * Which catalog entry the list shows as the choice. A click chooses an entry at once, but its
 * image may then fail to download (a release the mirror lacks, no network): the image chosen
 * before the click is still the one the next steps use, so it keeps the highlight, and the entry
 * that failed is marked as failed, not chosen. A Retry that gets under way makes it the choice
 * again, as a download that ends well makes its file the chosen image.
 */
export interface PickState {
  /** The entry last clicked. */
  selectedId: string | null;
  /** The entry shown as chosen before that click. */
  heldId: string | null;
  /** The address the last click's image is downloaded from (null when it downloads nothing yet). */
  tryingUrl: string | null;
}

/** `failedSource`: the address of a download that ended in a failure now on screen, or null. */
export function choiceShown(state: PickState, failedSource: string | null): { chosenId: string | null; failedId: string | null } {
  const failed = state.selectedId !== null && state.tryingUrl !== null && state.tryingUrl === failedSource;
  return failed ? { chosenId: state.heldId, failedId: state.selectedId } : { chosenId: state.selectedId, failedId: null };
}
