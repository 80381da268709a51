/**
 * Restores the draft (shell/draft.ts) when the app starts and keeps it up to date as the user goes.
 * The restored choices go through the stores' own actions, so the image is inspected again, added
 * devices are resolved again, a drive that cannot be written is not ticked, and the device table is
 * checked again against the restored first-boot settings.
 */
import type { CatalogStore } from '../features/catalog/catalog-store';
import type { FleetStore } from '../features/fleet/fleet-store';
import { formToProfile } from '../features/provisioning/profile-form';
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
  catalog: CatalogStore;
  fleet: FleetStore;
}

/** The part of web storage the draft needs (window.localStorage in the app). */
export type DraftStorage = Pick<Storage, 'getItem' | 'setItem'>;

function capturedTable(fleet: FleetStore): Draft['table'] {
  const { table, tableLost } = fleet.getState();
  if (table) return { name: table.name, text: table.text };
  // A table still missing after a reload stays missing until it is imported again or removed.
  return tableLost ? { name: tableLost, text: null } : null;
}

function captureDraft({ ui, image, profile, drives, catalog, fleet }: DraftStores): Draft {
  const { enabled, form, counterStart } = profile.getState();
  return {
    step: ui.getState().step,
    imageSource: ui.getState().imageSource,
    // A catalog image chosen to download while written has no path on disk yet: it is kept as the catalog described it.
    imagePath: image.getState().remote ? '' : image.getState().path,
    remoteImage: image.getState().remote,
    provisioning: { enabled, form, counterStart },
    addedTargets: drives.getState().added.map((drive) => drive.device),
    selectedTargets: drives.getState().selected,
    boardId: catalog.getState().boardId,
    table: capturedTable(fleet),
  };
}

async function restoreDraft(draft: Draft, { ui, image, profile, drives, catalog, fleet }: DraftStores): Promise<void> {
  ui.getState().showImageSource(draft.imageSource);
  ui.getState().goTo(draft.step);
  profile.getState().setCounterStart(draft.provisioning.counterStart);
  profile.getState().update(draft.provisioning.form);
  // The passphrase was not kept: its empty field asks for it again rather than calling it wrong.
  const { wifiSsid, wifiSecurity } = draft.provisioning.form;
  profile.setState({ pskNotKept: wifiSsid.trim() !== '' && wifiSecurity !== 'none' });
  profile.getState().setEnabled(draft.provisioning.enabled);
  // The boards may still be loading: the id is enough, the board shows once they are here.
  if (draft.boardId) catalog.getState().chooseBoard(draft.boardId);
  if (draft.table?.text != null) fleet.getState().importTable(draft.table.text, draft.table.name, formToProfile(profile.getState().form));
  else if (draft.table) fleet.getState().tableNotRestored(draft.table.name);
  if (draft.remoteImage) image.getState().chooseRemote(draft.remoteImage);
  // The drive rules need the image's size, and added devices must be resolved before selecting.
  await Promise.all([draft.imagePath ? image.getState().choose(draft.imagePath) : undefined, drives.getState().load()]);
  for (const target of draft.addedTargets) await drives.getState().addByPath(target);
  drives.getState().select(draft.selectedTargets);
}

/** Restores the stored draft, then saves every change; returns the unsubscribe. */
export function keepDraft(stores: DraftStores, storage: DraftStorage): () => void {
  const save = () => {
    const draft = captureDraft(stores);
    try {
      storage.setItem(DRAFT_KEY, serializeDraft(draft));
    } catch {
      // Storage full or refused (a private window). A large table is the likely cause: the draft is
      // kept without its rows, so a reload says the table must be imported again rather than
      // writing cards without it.
      try {
        if (draft.table?.text != null) storage.setItem(DRAFT_KEY, serializeDraft({ ...draft, table: { name: draft.table.name, text: null } }));
      } catch {
        // Refused even so: the app works on, only without a draft.
      }
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
  const stops = [
    stores.ui.subscribe(onChange),
    stores.image.subscribe(onChange),
    stores.profile.subscribe(onChange),
    stores.drives.subscribe(onChange),
    stores.catalog.subscribe(onChange),
    stores.fleet.subscribe(onChange),
  ];
  return () => stops.forEach((stop) => stop());
}
