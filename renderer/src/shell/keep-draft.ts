/**
 * Restores the draft (shell/draft.ts) when the app starts and keeps it up to date as the user goes.
 * The restored choices go through the stores' own actions, so the image is inspected again, added
 * devices are resolved again, and a drive that cannot be written is not ticked.
 */
import type { DrivesStore } from '../features/drives/drives-store';
import type { ImageStore } from '../features/image/image-store';
import type { ProfileStore } from '../features/provisioning/profile-store';
import { DRAFT_KEY, parseDraft, serializeDraft, type Draft } from './draft';
import type { UiStore } from './ui-store';

export interface DraftStores {
  ui: UiStore;
  image: ImageStore;
  profile: ProfileStore;
  drives: DrivesStore;
}

/** The part of web storage the draft needs (window.localStorage in the app). */
export type DraftStorage = Pick<Storage, 'getItem' | 'setItem'>;

function captureDraft({ ui, image, profile, drives }: DraftStores): Draft {
  const { enabled, form, counterStart } = profile.getState();
  return {
    step: ui.getState().step,
    imageSource: ui.getState().imageSource,
    // A catalog image chosen to download while written is chosen again from the list, not kept.
    imagePath: image.getState().remote ? '' : image.getState().path,
    provisioning: { enabled, form, counterStart },
    addedTargets: drives.getState().added.map((drive) => drive.device),
    selectedTargets: drives.getState().selected,
  };
}

async function restoreDraft(draft: Draft, { ui, image, profile, drives }: DraftStores): Promise<void> {
  ui.getState().showImageSource(draft.imageSource);
  ui.getState().goTo(draft.step);
  profile.getState().setCounterStart(draft.provisioning.counterStart);
  profile.getState().update(draft.provisioning.form);
  // The passphrase was not kept: its empty field asks for it again rather than calling it wrong.
  const { wifiSsid, wifiSecurity } = draft.provisioning.form;
  profile.setState({ pskNotKept: wifiSsid.trim() !== '' && wifiSecurity !== 'none' });
  profile.getState().setEnabled(draft.provisioning.enabled);
  // The drive rules need the image's size, and added devices must be resolved before selecting.
  await Promise.all([draft.imagePath ? image.getState().choose(draft.imagePath) : undefined, drives.getState().load()]);
  for (const target of draft.addedTargets) await drives.getState().addByPath(target);
  drives.getState().select(draft.selectedTargets);
}

/** Restores the stored draft, then saves every change; returns the unsubscribe. */
export function keepDraft(stores: DraftStores, storage: DraftStorage): () => void {
  const save = () => {
    try {
      storage.setItem(DRAFT_KEY, serializeDraft(captureDraft(stores)));
    } catch {
      // Storage full or refused (a private window): the app works on, only without a draft.
    }
  };
  let restoring = true;
  const draft = parseDraft(storage.getItem(DRAFT_KEY));
  const restored = draft ? restoreDraft(draft, stores) : Promise.resolve();
  void restored.finally(() => {
    restoring = false;
    save();
  });
  // While restoring, the stores pass through partial states that must not replace the draft.
  const onChange = () => {
    if (!restoring) save();
  };
  const stops = [stores.ui.subscribe(onChange), stores.image.subscribe(onChange), stores.profile.subscribe(onChange), stores.drives.subscribe(onChange)];
  return () => stops.forEach((stop) => stop());
}
