/**
 * The catalog store bound to the app's API. Picking an entry hands it to the images feature (a
 * verified download that becomes the chosen image), prepares the build feature's form, or sets the
 * provisioning profile's first-boot `bootc switch`.
 */
import { useStore } from 'zustand';
import { api } from '../../api';
import { createCatalogStore, type CatalogState } from '../../stores/catalog';
import { downloadsStore } from '../images/stores';
import { buildStore } from '../build/use-build';
import { profileStore } from '../provisioning';

export const catalogStore = createCatalogStore(api, {
  download: (url, sha256) => downloadsStore.getState().start(url, sha256 ?? undefined),
  prepareBuild: (reference, arch) => buildStore.getState().set({ reference, arch }),
  switchAtFirstBoot: (reference) => {
    profileStore.getState().setEnabled(true);
    profileStore.getState().update({ bootcSwitch: reference });
  },
});

export const useCatalog = <T>(select: (state: CatalogState) => T): T => useStore(catalogStore, select);

// Ask for the catalog as soon as the app's code runs, not when the tab first renders: the answer
// (from the core's cache) is then usually here by the time React has drawn the page.
performance.mark('fiot:catalog-requested');
void catalogStore.getState().load();
