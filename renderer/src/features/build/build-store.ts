/**
 * Building an image from a bootc container, for the image step: the form (reference,
 * architecture, root filesystem), the machine's preflight checklist, the running build (log,
 * progress, cancel) and the build history. A finished build hands its image to the image store, the
 * same path every other image source ends in.
 */
import { createStore } from 'zustand/vanilla';
import type { FiotApi } from '../../../../shared/contract';
import type { BuildArch, BuildRecord, BuildRootfs, PreflightCheck } from '../../../../shared/domain/build';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';

/** The log view keeps the newest lines only: a real build prints thousands. */
export const LOG_LIMIT = 400;

export interface RunningBuild {
  id: string;
  status: 'running' | 'succeeded' | 'failed' | 'cancelled';
  percent: number;
  message: string;
  log: string[];
  record: BuildRecord | null;
  preflight: PreflightCheck[];
}

export interface BuildState {
  reference: string;
  arch: BuildArch;
  rootfs: BuildRootfs;
  /** Put the First boot settings (the provisioning profile) into the built image. */
  includeProfile: boolean;
  checks: PreflightCheck[] | null;
  checking: boolean;
  build: RunningBuild | null;
  history: BuildRecord[];
  error: ErrorInfo | null;
  set(fields: Partial<Pick<BuildState, 'reference' | 'arch' | 'rootfs' | 'includeProfile'>>): void;
  checkMachine(): Promise<void>;
  start(): Promise<void>;
  cancel(): Promise<void>;
  loadHistory(): Promise<void>;
  /** Makes a built image the image to write. */
  choose(record: BuildRecord): Promise<boolean>;
  /** Subscribes to build events; idempotent. Returns the unsubscribe. */
  watch(): () => void;
}

/** The First boot step's profile as a build takes it (nothing when provisioning is off). */
export type ProfileFields = () => { profile?: unknown; counterStart?: number };

export function createBuildStore(api: Pick<FiotApi, 'invoke' | 'on'>, chooseImage: (path: string) => Promise<boolean>, profileFields: ProfileFields = () => ({})) {
  let stop: (() => void) | null = null;
  return createStore<BuildState>()((set, get) => {
    const mine = (buildId: string) => get().build?.id === buildId;
    const patch = (fields: Partial<RunningBuild>) => {
      const build = get().build;
      if (build) set({ build: { ...build, ...fields } });
    };
    return {
      reference: 'quay.io/fedora/fedora-iot:42',
      arch: 'aarch64',
      rootfs: 'ext4',
      includeProfile: true,
      checks: null,
      checking: false,
      build: null,
      history: [],
      error: null,

      set(fields) {
        // A checklist for another architecture says nothing about this one.
        set({ ...fields, ...(fields.arch && fields.arch !== get().arch ? { checks: null } : {}) });
      },

      async checkMachine() {
        set({ checking: true, error: null });
        try {
          const { checks } = await api.invoke('build:preflight', { arch: get().arch });
          set({ checks, checking: false });
        } catch (error) {
          set({ checking: false, error: toErrorInfo(error) });
        }
      },

      async start() {
        const { reference, arch, rootfs, includeProfile } = get();
        set({ error: null });
        try {
          const profile = includeProfile ? profileFields() : {};
          const { buildId } = await api.invoke('build:start', { reference: reference.trim(), arch, rootfs, ...profile });
          set({ build: { id: buildId, status: 'running', percent: 0, message: 'Starting', log: [], record: null, preflight: [] } });
        } catch (error) {
          set({ error: toErrorInfo(error) });
        }
      },

      async cancel() {
        const build = get().build;
        if (!build || build.status !== 'running') return;
        patch({ message: 'Stopping the build…' });
        await api.invoke('build:cancel', { buildId: build.id }).catch((error: unknown) => set({ error: toErrorInfo(error) }));
      },

      async loadHistory() {
        try {
          const { builds } = await api.invoke('build:history', {});
          set({ history: builds });
        } catch (error) {
          set({ error: toErrorInfo(error) });
        }
      },

      choose(record) {
        return record.imagePath ? chooseImage(record.imagePath) : Promise.resolve(false);
      },

      watch() {
        if (stop) return stop;
        const offs = [
          api.on('build:log', ({ buildId, line }) => {
            const build = get().build;
            if (build && mine(buildId)) patch({ log: [...build.log, line].slice(-LOG_LIMIT) });
          }),
          api.on('build:progress', ({ buildId, percent, message }) => {
            if (mine(buildId)) patch({ percent, message });
          }),
          api.on('build:done', ({ buildId, record, preflight }) => {
            if (mine(buildId)) {
              patch({ status: record.status === 'running' ? 'failed' : record.status, record, preflight, ...(record.status === 'succeeded' ? { percent: 100, message: 'Build complete' } : {}) });
              if (record.status === 'succeeded') void get().choose(record);
            }
            void get().loadHistory();
          }),
        ];
        stop = () => {
          offs.forEach((off) => off());
          stop = null;
        };
        return stop;
      },
    };
  });
}

export type BuildStore = ReturnType<typeof createBuildStore>;
