/**
 * The provisioning profile being edited: the form, the live preview the core computes from it
 * (the exact config that will be written, or the problems, each naming its field), the saved
 * profiles, and what a flash request carries. A typed password is sent once to be hashed and
 * dropped; only the hash stays in the form. SSH keys can be added from the user's ~/.ssh (desktop
 * app only) or an https keys URL, next to those already typed.
 */
import { createStore } from 'zustand/vanilla';
import type { FiotApi, ResultOf } from '../../../../shared/contract';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';
import type { ProfileInput, SavedProfile } from '../../../../shared/provisioning';
import { emptyForm, formToProfile, keyLines, profileToForm, type ProfileForm } from './profile-form';

export type Preview = ResultOf<'provision:preview'>;

export interface ProfileState {
  /** Provisioning is optional: off means the cards boot as the image ships. */
  enabled: boolean;
  form: ProfileForm;
  /** "Start at": the first card's {n} when the user sets it; null continues the pattern's series. */
  counterStart: number | null;
  /** The {n} the preview was computed for: counterStart, or the series' next number. */
  previewFrom: number;
  preview: Preview | null;
  previewing: boolean;
  saved: SavedProfile[];
  /** The last failed action (saving, importing, hashing), for a notice. */
  error: ErrorInfo | null;
  /** True where the core runs on the user's own computer (the desktop app, not a station). */
  canReadLocalKeys: boolean;
  /** What the last key import added, in one sentence. */
  keysNotice: string | null;
  /**
   * A password typed but not yet set: not confirmed by typing it again, or the two differ. Only
   * this state is kept here, never the text, so Continue can say why it waits.
   */
  passwordPending: 'unconfirmed' | 'mismatch' | null;
  /** True when a restored draft had a Wi-Fi passphrase that was left out on purpose (never kept in web storage). */
  pskNotKept: boolean;
  setPasswordPending(pending: ProfileState['passwordPending']): void;
  setEnabled(enabled: boolean): void;
  update(changes: Partial<ProfileForm>): void;
  setCounterStart(n: number | null): void;
  /** Recomputes the preview: a finished write has moved the series. */
  refreshPreview(): void;
  setPassword(password: string): Promise<void>;
  importLocalKeys(): Promise<void>;
  importKeysFromUrl(url: string): Promise<boolean>;
  loadSaved(): Promise<void>;
  save(name: string): Promise<boolean>;
  use(name: string): void;
  remove(name: string): Promise<void>;
  importText(text: string): Promise<void>;
  exportProfile(name: string): Promise<{ fileName: string; text: string } | null>;
  /** What flash:start carries: the profile, and the first card's {n} only when the user set one. */
  flashFields(): { provisioning?: ProfileInput; counterStart?: number };
}

/** How long typing pauses before the preview is recomputed. */
const PREVIEW_DELAY_MS = 150;

/** The keys field with `keys` added after those already there, each key once. */
export function withKeys(field: string, keys: string[]): { text: string; added: number } {
  const present = new Set(keyLines(field));
  const fresh = [...new Set(keys.map((k) => k.trim()))].filter((k) => k && !present.has(k));
  return { text: [field.trim(), ...fresh].filter(Boolean).join('\n'), added: fresh.length };
}

const keysWord = (n: number) => (n === 1 ? '1 key' : `${n} keys`);

export function createProfileStore(api: Pick<FiotApi, 'invoke'>, options: { canReadLocalKeys?: boolean } = {}) {
  return createStore<ProfileState>()((set, get) => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let generation = 0;

    /**
     * `quiet`: the form did not change (a finished write moved the series), so the preview shown
     * stays good until the new one arrives: the step is not "checking" meanwhile, which would
     * take First boot's ✓ away and lock the steps after it for a moment after every write.
     */
    const refresh = (quiet = false) => {
      if (timer) clearTimeout(timer);
      if (!get().enabled) return;
      if (!quiet) set({ previewing: true });
      timer = setTimeout(() => {
        const mine = ++generation;
        const { form, counterStart } = get();
        seriesStart(form.hostname, counterStart)
          .then(async (from) => ({ from, preview: await api.invoke('provision:preview', { profile: formToProfile(form), counterStart: from, count: 3 }) }))
          .then(({ from, preview }) => {
            if (mine === generation) set({ preview, previewFrom: from, previewing: false });
          })
          .catch((error) => {
            if (mine === generation) set({ previewing: false, error: toErrorInfo(error) });
          });
      }, PREVIEW_DELAY_MS);
    };

    const fail = (error: unknown) => set({ error: toErrorInfo(error) });
    const addKeys = (keys: string[], from: string, skipped = 0) => {
      const { text, added } = withKeys(get().form.sshKeys, keys);
      get().update({ sshKeys: text });
      const already = keys.length - added;
      const notes = [already ? `${keysWord(already)} already listed` : '', skipped ? `${skipped} lines that are not keys skipped` : ''].filter(Boolean);
      set({ error: null, keysNotice: `Added ${keysWord(added)} from ${from}${notes.length ? ` (${notes.join(', ')})` : ''}.` });
    };

    /** Where the next card's number comes from: the user's "start at", or the series in the config folder. */
    const seriesStart = async (pattern: string, counterStart: number | null): Promise<number> => {
      if (counterStart !== null) return counterStart;
      const { series } = await api.invoke('batch:series', {});
      return series[pattern.trim()] ?? 1;
    };

    return {
      enabled: false,
      form: emptyForm,
      counterStart: null,
      previewFrom: 1,
      preview: null,
      previewing: false,
      saved: [],
      error: null,
      canReadLocalKeys: options.canReadLocalKeys ?? false,
      keysNotice: null,
      passwordPending: null,
      pskNotKept: false,

      setPasswordPending(passwordPending) {
        set({ passwordPending });
      },
      setEnabled(enabled) {
        set({ enabled, ...(enabled ? {} : { preview: null }) });
        refresh();
      },
      update(changes) {
        set({ form: { ...get().form, ...changes } });
        refresh();
      },
      setCounterStart(n) {
        set({ counterStart: n !== null && Number.isInteger(n) && n >= 0 ? n : null });
        refresh();
      },
      refreshPreview: () => refresh(true),
      async setPassword(password) {
        if (!password) {
          get().update({ passwordHash: '' });
          return;
        }
        try {
          const { hash } = await api.invoke('provision:hash-password', { password });
          get().update({ passwordHash: hash });
        } catch (error) {
          fail(error);
        }
      },
      async importLocalKeys() {
        try {
          const { keys } = await api.invoke('ssh-keys:local', {});
          if (keys.length === 0) {
            set({ keysNotice: 'No public key in ~/.ssh. Make one with ssh-keygen -t ed25519, or paste a key.' });
            return;
          }
          addKeys(keys.map((k) => k.key), `~/.ssh (${[...new Set(keys.map((k) => k.file))].join(', ')})`);
        } catch (error) {
          fail(error);
        }
      },
      async importKeysFromUrl(url) {
        try {
          const { keys, skipped } = await api.invoke('ssh-keys:fetch', { url: url.trim() });
          addKeys(keys, url.trim(), skipped);
          return true;
        } catch (error) {
          fail(error);
          return false;
        }
      },
      async loadSaved() {
        try {
          set({ saved: (await api.invoke('profiles:list', {})).profiles });
        } catch (error) {
          fail(error);
        }
      },
      async save(name) {
        try {
          await api.invoke('profiles:save', { name, profile: formToProfile(get().form) });
          set({ error: null });
          await get().loadSaved();
          return true;
        } catch (error) {
          fail(error);
          return false;
        }
      },
      use(name) {
        const found = get().saved.find((p) => p.name === name);
        if (!found) return;
        set({ form: profileToForm(found.profile), enabled: true, error: null });
        refresh();
      },
      async remove(name) {
        try {
          await api.invoke('profiles:delete', { name });
          await get().loadSaved();
        } catch (error) {
          fail(error);
        }
      },
      async importText(text) {
        try {
          const { saved } = await api.invoke('profiles:import', { text });
          await get().loadSaved();
          get().use(saved.name);
        } catch (error) {
          fail(error);
        }
      },
      async exportProfile(name) {
        try {
          return await api.invoke('profiles:export', { name });
        } catch (error) {
          fail(error);
          return null;
        }
      },
      flashFields() {
        const { enabled, form, counterStart } = get();
        if (!enabled) return {};
        return { provisioning: formToProfile(form), ...(counterStart === null ? {} : { counterStart }) };
      },
    };
  });
}

export type ProfileStore = ReturnType<typeof createProfileStore>;
