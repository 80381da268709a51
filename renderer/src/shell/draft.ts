/**
 * The draft: what the user has chosen so far (the step, the image, the first-boot settings, the
 * drives), kept in the page's local storage so a reload or an app restart picks up where the user
 * was, with the board the cards are for and the device table (its rows and file name; which rows
 * were used is the core's record, so it survives by itself). Secrets are never kept there: the Wi-Fi passphrase and a merged Ignition config (which may
 * carry any secret) are left out and asked for again; the user's password is only ever held as
 * its crypt(3) hash, which may be kept. Saved profiles (in the core's config folder) are where a
 * user keeps a passphrase on purpose.
 */
import { emptyForm, type ProfileForm } from '../features/provisioning/profile-form';
import type { RemoteImage } from '../features/image/image-store';

export interface Draft {
  step: string;
  imageSource: string;
  imagePath: string;
  /** counterStart: the user's "start at", or null to continue the hostname series. */
  provisioning: { enabled: boolean; form: ProfileForm; counterStart: number | null };
  /** Devices and image files added by path, resolved again on restore. */
  addedTargets: string[];
  selectedTargets: string[];
  /** The board chosen in the catalog (null: none). */
  boardId: string | null;
  /**
   * The device table in use: its text is null when it could not be kept (web storage full), and
   * the restored app then refuses to write until it is imported again.
   */
  table: { name: string; text: string | null } | null;
  /** A catalog image chosen to be written while it downloads (nothing of it is on disk yet to choose by path). */
  remoteImage: RemoteImage | null;
}

export const DRAFT_KEY = 'fiot:draft';

/** Form fields that may hold secrets in clear text: never written to web storage. */
const secretFields = ['wifiPsk', 'mergeConfig', 'mergeFileName'] as const satisfies ReadonlyArray<keyof ProfileForm>;

export function withoutSecrets(form: ProfileForm): ProfileForm {
  const kept = { ...form };
  for (const field of secretFields) kept[field] = emptyForm[field];
  return kept;
}

export function serializeDraft(draft: Draft): string {
  return JSON.stringify({ ...draft, provisioning: { ...draft.provisioning, form: withoutSecrets(draft.provisioning.form) } });
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);

/** Only the fields the form knows, each of the type it has there; anything else is dropped. */
function parseForm(value: unknown): ProfileForm {
  const form: Record<string, unknown> = { ...emptyForm };
  if (value && typeof value === 'object') {
    for (const [field, fallback] of Object.entries(emptyForm)) {
      const given = (value as Record<string, unknown>)[field];
      if (typeof given === typeof fallback) form[field] = given;
    }
  }
  return withoutSecrets(form as unknown as ProfileForm);
}

function parseTable(value: unknown): Draft['table'] {
  if (!value || typeof value !== 'object') return null;
  const { name, text } = value as Record<string, unknown>;
  if (!isString(name)) return null;
  return { name, text: isString(text) ? text : null };
}

const sizeOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null);

/** Only a well-formed http(s) image with the fields the store uses; the core checks its address again on writing. */
function parseRemote(value: unknown): RemoteImage | null {
  if (!value || typeof value !== 'object') return null;
  const { url, sha256, name, fileSize, imageSize, arch } = value as Record<string, unknown>;
  if (!isString(url) || !/^https?:\/\//i.test(url) || !isString(name)) return null;
  return {
    url,
    name,
    ...(isString(sha256) && /^[0-9a-f]{64}$/.test(sha256) ? { sha256 } : {}),
    fileSize: sizeOrNull(fileSize),
    imageSize: sizeOrNull(imageSize),
    arch: arch === 'aarch64' || arch === 'x86_64' ? arch : null,
  };
}

/** The stored draft, or null when there is none or it cannot be read (an older or damaged one). */
export function parseDraft(text: string | null): Draft | null {
  if (!text) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const draft = value as Record<string, unknown>;
  const provisioning = (draft.provisioning ?? {}) as Record<string, unknown>;
  if (!isString(draft.step) || !isString(draft.imageSource) || !isString(draft.imagePath)) return null;
  if (!isStringList(draft.addedTargets) || !isStringList(draft.selectedTargets)) return null;
  const counterStart = provisioning.counterStart;
  return {
    step: draft.step,
    imageSource: draft.imageSource,
    imagePath: draft.imagePath,
    provisioning: {
      enabled: provisioning.enabled === true,
      form: parseForm(provisioning.form),
      counterStart: typeof counterStart === 'number' && Number.isInteger(counterStart) && counterStart >= 0 ? counterStart : null,
    },
    addedTargets: draft.addedTargets,
    selectedTargets: draft.selectedTargets,
    // Drafts kept before the board and the table were have neither.
    boardId: isString(draft.boardId) ? draft.boardId : null,
    table: parseTable(draft.table),
    remoteImage: parseRemote(draft.remoteImage),
  };
}
