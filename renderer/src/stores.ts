/**
 * The app's stores, created here and only here, bound to the real API, with a React hook each, and
 * started by `startStores()`. Each store's logic lives with its feature (features/<concern>/*-store.ts,
 * tested without a browser); this module is where features meet: picking a catalog entry starts a
 * download or prepares a build, a finished download or build becomes the chosen image, and a build
 * carries the First boot profile. Views read and act through these hooks; they never call the API.
 */
import { useStore } from 'zustand';
import { api } from './api';
import { createBuildStore, type BuildState } from './features/build/build-store';
import { createCatalogStore, type CatalogState } from './features/catalog/catalog-store';
import { createCheckinStore, type CheckinState } from './features/checkin/checkin-store';
import { strandedBy } from './features/checkin/checkin-reach-of';
import { createDrivesStore, imageFacts, type DrivesState } from './features/drives/drives-store';
import { checkTarget } from '../../shared/drive-constraints';
import { catalogOffline } from '../../shared/domain/catalog';
import { createBenchStore, type BenchState } from './features/fleet/bench-store';
import { createFleetStore, type FleetState } from './features/fleet/fleet-store';
import { createRestoreStore, type RestoreState } from './features/fleet/restore-store';
import { createOnCardStore, type OnCardState } from './features/fleet/on-card-store';
import { createBackupStore, type BackupState } from './features/fleet/backup-store';
import { createToolStore, type ToolState } from './features/fleet/tool-store';
import { saveTextFile } from './features/history/save-file';
import { createHistoryStore, type HistoryState } from './features/history/history-store';
import { createCacheStore, type CacheState } from './features/image/cache-store';
import { createDownloadsStore, failedDownloadSource, type DownloadsState } from './features/image/downloads-store';
import { createFolderCopyStore, type FolderCopyState } from './features/image/folder-copy-store';
import { createImageStore, type ImageState, type RemoteImage } from './features/image/image-store';
import { createUploadStore, type UploadState } from './features/image/upload-store';
import { sendUploadToStation } from './transport/station-upload';
import { formToProfile } from './features/provisioning/profile-form';
import { createProfileStore, type ProfileState } from './features/provisioning/profile-store';
import { createJobStore, type JobState } from './features/write/job-store';
import { cardsPresent } from './features/write/stale-result';
import { mediumWords, type MediumWords } from './features/write/device-words';
import { allDrives } from './features/drives/drives-store';
import { createConnectionStore, type ConnectionStoreState } from './shell/connection-store';
import { createUiStore, type UiState } from './shell/ui-store';
import { keepDraft } from './shell/keep-draft';

export const uiStore = createUiStore();
export const connectionStore = createConnectionStore(api);
export const imageStore = createImageStore(api, api.shell);
// Only a station's page uploads: the desktop app reads the person's files where they are.
export const uploadStore = createUploadStore(api.host === 'station' ? sendUploadToStation : null, async (image) => {
  await imageStore.getState().loadOffered();
  return imageStore.getState().choose(image.path);
});
export const downloadsStore = createDownloadsStore(api, (path) => void imageStore.getState().choose(path));
export const cacheStore = createCacheStore(api);
export const folderCopyStore = createFolderCopyStore(api, (path) => {
  // The copy replaces the failed download, as any file chosen does, even when it was chosen before.
  downloadsStore.getState().setAside();
  return imageStore.getState().choose(path);
});
export const profileStore = createProfileStore(api, { canReadLocalKeys: api.host === 'electron' });
export const buildStore = createBuildStore(
  api,
  (path) => imageStore.getState().choose(path),
  () => {
    const { provisioning, counterStart } = profileStore.getState().flashFields();
    return provisioning ? { profile: provisioning, counterStart } : {};
  },
);
/** A catalog image the image cache already holds (by its sha256, or a URL it was fetched as). */
async function inCache(image: RemoteImage): Promise<boolean> {
  try {
    const { entries } = await api.invoke('cache:list', {});
    return entries.some((entry) => entry.file !== null && (entry.sha256 === image.sha256 || entry.sources.includes(image.url)));
  } catch {
    return false;
  }
}

export const catalogStore = createCatalogStore(api, {
  download: (url, sha256) => downloadsStore.getState().start(url, sha256 ?? undefined),
  // A cached image is handed back at once by a download, as its local file; any other is written while it downloads.
  writeWhileDownloading: async (image) => {
    if (await inCache(image)) await downloadsStore.getState().start(image.url, image.sha256);
    else {
      // A station that will not fetch from there says so now, at the choice, not at the write (throws).
      await api.invoke('images:check-fetch', { url: image.url });
      imageStore.getState().chooseRemote(image);
    }
  },
  prepareBuild: (reference, arch) => buildStore.getState().set({ reference, arch }),
  switchAtFirstBoot: (reference) => {
    profileStore.getState().setEnabled(true);
    profileStore.getState().update({ bootcSwitch: reference });
  },
  failedDownload: () => failedDownloadSource(downloadsStore.getState()),
});
// The board chosen in the catalog decides the architecture a build is for (a PC is x86_64), unless
// a build is already running. A board restored from the draft is known before the boards are: its
// architecture applies once they are here.
catalogStore.subscribe((state, before) => {
  if (state.boardId === before.boardId && state.boards === before.boards) return;
  const arch = state.boards.find((b) => b.id === state.boardId)?.arch;
  if (arch && buildStore.getState().build?.status !== 'running') buildStore.getState().set({ arch });
});
// Fedora answers again (the banner's Retry, or a refresh): a download that failed for want of a
// network no longer stands for what happens next, so its "No network" notice goes.
catalogStore.subscribe((state, before) => {
  const online = (catalog: typeof state.catalog) => catalog !== null && !catalogOffline(catalog);
  const failedOffline = ['OFFLINE', 'NETWORK'].includes(downloadsStore.getState().error?.code ?? '');
  if (online(state.catalog) && !online(before.catalog) && failedOffline) downloadsStore.getState().setAside();
});
export const drivesStore = createDrivesStore(api, { shell: api.shell, writable: (drive) => checkTarget(drive, imageFacts(imageStore.getState().info)).ok });
// Another image may not fit a card chosen for the last one: its tick goes, and its row says why.
imageStore.subscribe((state, before) => {
  if (state.info !== before.info) drivesStore.getState().pruneSelection();
});
// A file chosen by hand replaces a catalog pick: the entry (and its failed download) stop showing
// as the choice. A finished catalog download chooses its own file, which keeps the pick, as does the
// catalog image chosen to be written while it downloads.
imageStore.subscribe((state, before) => {
  if (state.path === before.path || state.path === '' || state.remote !== null || state.path === downloadsStore.getState().current?.path) return;
  catalogStore.getState().forgetChoice();
  downloadsStore.getState().setAside();
});
export const jobStore = createJobStore(api);
// A catalog image written while it downloaded is in the image cache once the write ended well: the
// next cards are written from the kept file, and the Image and Write steps must stop saying it downloads.
jobStore.subscribe((state, before) => {
  if (state.result !== before.result && state.result?.ok) imageStore.getState().markKept(state.result.source);
});
export const historyStore = createHistoryStore(api, saveTextFile);
export const fleetStore = createFleetStore(api);
export const benchStore = createBenchStore(api);
export const restoreStore = createRestoreStore(api);
export const onCardStore = createOnCardStore(api);
export const backupStore = createBackupStore(api, api.shell);
export const toolStore = createToolStore();
// Check-in is on by default only where the next write's devices can reach the address.
export const checkinStore = createCheckinStore(api, {
  reachable: (address) => strandedBy(address, fleetStore.getState().tableDevices, profileStore.getState().form).length === 0,
});

export const useUi = <T>(select: (state: UiState) => T): T => useStore(uiStore, select);
export const useConnection = <T>(select: (state: ConnectionStoreState) => T): T => useStore(connectionStore, select);
export const useImage = <T>(select: (state: ImageState) => T): T => useStore(imageStore, select);
export const useUpload = <T>(select: (state: UploadState) => T): T => useStore(uploadStore, select);
export const useDownloads = <T>(select: (state: DownloadsState) => T): T => useStore(downloadsStore, select);
export const useCache = <T>(select: (state: CacheState) => T): T => useStore(cacheStore, select);
export const useFolderCopy = <T>(select: (state: FolderCopyState) => T): T => useStore(folderCopyStore, select);
export const useProfile = <T>(select: (state: ProfileState) => T): T => useStore(profileStore, select);
export const useBuild = <T>(select: (state: BuildState) => T): T => useStore(buildStore, select);
export const useCatalog = <T>(select: (state: CatalogState) => T): T => useStore(catalogStore, select);
export const useDrives = <T>(select: (state: DrivesState) => T): T => useStore(drivesStore, select);
export const useJob = <T>(select: (state: JobState) => T): T => useStore(jobStore, select);
export const useHistory = <T>(select: (state: HistoryState) => T): T => useStore(historyStore, select);
export const useFleet = <T>(select: (state: FleetState) => T): T => useStore(fleetStore, select);
export const useBench = <T>(select: (state: BenchState) => T): T => useStore(benchStore, select);
export const useRestore = <T>(select: (state: RestoreState) => T): T => useStore(restoreStore, select);
export const useOnCard = <T>(select: (state: OnCardState) => T): T => useStore(onCardStore, select);
export const useBackup = <T>(select: (state: BackupState) => T): T => useStore(backupStore, select);
export const useTool = <T>(select: (state: ToolState) => T): T => useStore(toolStore, select);
export const useCheckin = <T>(select: (state: CheckinState) => T): T => useStore(checkinStore, select);

/** What to call the thing written, for the board chosen in the catalog: "card", "USB stick", or both while none is. */
/**
 * The board chosen in the Fedora IoT tab, as a write (or the card bench) carries it: the core
 * refuses an image for another architecture unless the user said to write it anyway, and its
 * refusals and results speak of the board's card or USB stick.
 */
export function boardFlashFields(): { board?: string; ignoreBoard?: boolean } {
  const board = catalogStore.getState().boardId;
  return board ? { board, ignoreBoard: imageStore.getState().ignoreBoard } : {};
}

export const useMedium = (): MediumWords => mediumWords(useCatalog((s) => s.boards.find((b) => b.id === s.boardId) ?? null));

/**
 * A finished write's result stands for the cards it wrote, not for the next write: a new card can
 * take the old one's device name, and "The card is ready" would send a blank card out. So the Write
 * step shows the plan again once the person changes what would be written, or a card comes or goes,
 * or they come back to it from another step. Cards left to retry keep their Retry through cards
 * coming and going and through a visit elsewhere (the retry checks each is still the same card).
 */
function setAsideFinishedWrite(): Array<() => void> {
  const setAside = (keepCardsToRetry: boolean) => jobStore.getState().setAside({ keepCardsToRetry });
  return [
    imageStore.subscribe((state, before) => {
      if (state.path !== before.path || state.ignoreBoard !== before.ignoreBoard) setAside(false);
    }),
    catalogStore.subscribe((state, before) => {
      if (state.boardId !== before.boardId) setAside(false);
    }),
    profileStore.subscribe((state, before) => {
      if (state.enabled !== before.enabled || state.form !== before.form || state.counterStart !== before.counterStart) setAside(false);
    }),
    fleetStore.subscribe((state, before) => {
      if (state.table !== before.table) setAside(false);
    }),
    drivesStore.subscribe((state, before) => {
      if (state.selected !== before.selected || cardsPresent(allDrives(state)) !== cardsPresent(allDrives(before))) setAside(true);
    }),
    uiStore.subscribe((state, before) => {
      if (state.step === 'write' && before.step !== 'write') setAside(true);
    }),
  ];
}

/**
 * Which of the device table's rows are written already is the core's record: asked again when the
 * table or the settings under it change (the checked preview, not each keystroke), and when cards
 * were written (a write or the card bench), so every summary names the next row.
 */
function followTableRows(): Array<() => void> {
  const load = () => void fleetStore.getState().loadRowsUsed(profileStore.getState().flashFields());
  return [
    fleetStore.subscribe((state, before) => {
      if (state.table !== before.table || state.tableProblems !== before.tableProblems) load();
    }),
    profileStore.subscribe((state, before) => {
      if (state.preview !== before.preview || state.counterStart !== before.counterStart) load();
    }),
    api.on('flash:done', load),
    benchStore.subscribe((state, before) => {
      if (state.status.session?.table?.used !== before.status.session?.table?.used) load();
    }),
  ];
}

/**
 * Starts every event subscription and the first loads; returns the teardown. Called once, before
 * the first render: the catalog's answer (from the core's cache) is then usually here by the time
 * React has drawn the page.
 */
export function startStores(): () => void {
  const stops = [
    connectionStore.getState().watch(),
    catalogStore.getState().watch(),
    // Downloads started from the catalog report progress there as well as on the Download tab.
    downloadsStore.getState().watch(),
    buildStore.getState().watch(),
    drivesStore.getState().watch(),
    jobStore.getState().watch(),
    benchStore.getState().watch(),
    checkinStore.getState().watch(),
    // A finished write took numbers from the series: the names shown next move on.
    api.on('flash:done', () => profileStore.getState().refreshPreview()),
    // A device-table row fills the profile: a changed profile may make a row right or wrong.
    profileStore.subscribe((state, previous) => {
      if (state.form !== previous.form) fleetStore.getState().recheckTable(formToProfile(state.form));
    }),
    ...setAsideFinishedWrite(),
    ...followTableRows(),
    // Drives may have come and gone while the station was out of reach.
    api.onConnection((state) => {
      if (state === 'open') {
        void drivesStore.getState().load();
        void checkinStore.getState().load().catch(() => undefined);
      }
    }),
  ];
  performance.mark('fiot:catalog-requested');
  void catalogStore.getState().load();
  void drivesStore.getState().load();
  void checkinStore.getState().load().catch(() => undefined);
  stops.push(keepDraft({ ui: uiStore, image: imageStore, profile: profileStore, drives: drivesStore, catalog: catalogStore, fleet: fleetStore }, window.localStorage));
  return () => stops.forEach((stop) => stop());
}
