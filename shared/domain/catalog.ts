/**
 * What Fedora publishes, as the app lists it: raw images and bootc containers, with the sources
 * that told us and when. Pure: the service in electron/core/catalog fills it, the UI and the CLI
 * filter it with entriesForBoard and resolve references with resolveCatalogRef.
 */
import { z } from 'zod';
import { closestName } from '../did-you-mean';
import { FiotError } from '../errors';
import { archSchema, type Arch, type Board, type Delivery } from './board';

export const catalogEntrySchema = z.object({
  /** Stable across refreshes: `raw:<file name>` or `oci:<registry/repository>:<tag>`. */
  id: z.string().min(1),
  kind: z.enum(['raw-image', 'bootc-container']),
  /** `fedora-iot`, `fedora-bootc`, or the last path segment of a user's own repository. */
  variant: z.string().min(1),
  /** Release number (`42`), or a moving tag such as `latest` or `rawhide`. */
  version: z.string().min(1),
  architectures: z.array(archSchema).min(1),
  /** ISO date (YYYY-MM-DD) of the compose or image creation, when known. */
  date: z.string().nullable(),
  /** Bytes of the download (the compressed file for raw images), when known. */
  size: z.number().int().nonnegative().nullable(),
  /**
   * Bytes of a raw image once decompressed (what it takes on the card), when known for certain:
   * read from the xz index on the server, or from the copy in the image cache.
   */
  imageSize: z.number().int().nonnegative().nullable().default(null),
  /** Download URL of a raw image. */
  url: z.string().optional(),
  /** Container reference (`quay.io/fedora/fedora-iot:42`) of a bootc image. */
  reference: z.string().optional(),
  /** sha256 of the raw image file as downloaded, when known. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  /** Manifest (list) digest of a container tag, when known. */
  digest: z.string().nullable().default(null),
  /** False for rawhide, betas and release candidates: never preselected. */
  stable: z.boolean(),
  /** Where this entry came from: snapshot, releases, checksums, or registry:<repo>. */
  source: z.string(),
  /** Container labels the user may care about (containers.bootc, ostree.bootable, version...). */
  labels: z.record(z.string(), z.string()).default({}),
});
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;

export const sourceStatusSchema = z.object({
  /** `releases`, `checksums`, or `registry:<registry/repository>`. */
  id: z.string(),
  /** ok: answered now; stale: unchanged or failed, earlier data kept; failed: nothing usable. */
  state: z.enum(['ok', 'stale', 'failed']),
  /** A quiet, human reason when not ok. */
  message: z.string().optional(),
  /** The error code of that reason, when it has one (PROXY_REFUSED, NETWORK...): how to act on it depends on it. */
  code: z.string().optional(),
  checkedAt: z.string().nullable(),
  /** How old what is shown for this source is: the ISO date or time it last answered, or the snapshot's date. */
  shownFrom: z.string().optional(),
  /** The address the source asks, where one names it (the images tree for `checksums`, FIOT_IOT_IMAGES_URL). */
  address: z.string().optional(),
  entries: z.number().int().nonnegative(),
});
export type SourceStatus = z.infer<typeof sourceStatusSchema>;

export const catalogSchema = z.object({
  /** snapshot: the embedded one; cache: the last refresh on disk; live: this refresh. */
  origin: z.enum(['snapshot', 'cache', 'live']),
  /** Date the embedded snapshot describes (shown as "snapshot of <date>"). */
  snapshotDate: z.string(),
  updatedAt: z.string().nullable(),
  entries: z.array(catalogEntrySchema),
  sources: z.array(sourceStatusSchema),
});
export type Catalog = z.infer<typeof catalogSchema>;

/**
 * True when a refresh ran and no source answered: the catalog shown is what was known before, and
 * the UI says "you're offline" calmly rather than showing each failure.
 */
export function catalogOffline(catalog: Pick<Catalog, 'sources'>): boolean {
  return catalog.sources.length > 0 && catalog.sources.every((s) => s.checkedAt !== null && s.state !== 'ok');
}

/** The date (YYYY-MM-DD) of the oldest data the catalog shows, for "showing the catalog from …". */
export function catalogShownFrom(catalog: Pick<Catalog, 'sources' | 'snapshotDate'>): string {
  const dates = catalog.sources.map((s) => (s.shownFrom ?? catalog.snapshotDate).slice(0, 10));
  return dates.sort()[0] ?? catalog.snapshotDate;
}

/** True when the source an entry came from answered in the last refresh (not the snapshot, not an earlier answer kept). */
export function offeredNow(catalog: Pick<Catalog, 'sources'>, entry: CatalogEntry): boolean {
  return catalog.sources.some((s) => s.id === entry.source && s.state === 'ok');
}

/** True when some source answered in the last refresh: then what none of them offers is worth telling apart. */
export function someSourceAnswered(catalog: Pick<Catalog, 'sources'>): boolean {
  return catalog.sources.some((s) => s.state === 'ok');
}

/**
 * The person's own images tree (FIOT_IOT_IMAGES_URL set to a server that is not Fedora's) when it
 * answered in the last refresh, else null.
 */
export function ownMirror(catalog: Pick<Catalog, 'sources'>): string | null {
  const tree = catalog.sources.find((s) => s.id === 'checksums' && s.state === 'ok' && s.address);
  return tree?.address && isOwnServer(tree.address) ? tree.address : null;
}

function isOwnServer(address: string): boolean {
  try {
    return !/(^|\.)fedoraproject\.org$/i.test(new URL(address).hostname);
  } catch {
    return false;
  }
}

/** The person's own images tree when it was asked in the last refresh and did not answer. */
export interface UnreachableMirror {
  mirror: string;
  /** Why, as the refresh said it, and its error code when it had one. */
  message: string;
  code?: string;
}

/**
 * The person's own images tree (FIOT_IOT_IMAGES_URL, not Fedora's) when the last refresh could not
 * reach it: what the catalog lists then comes from elsewhere, and the person must hear that their
 * mirror was not used, and why, rather than read another site's name with no word about theirs.
 */
export function unreachableMirror(catalog: Pick<Catalog, 'sources'>): UnreachableMirror | null {
  const tree = catalog.sources.find((s) => s.id === 'checksums' && s.state !== 'ok' && s.checkedAt !== null && s.address);
  if (!tree?.address || !isOwnServer(tree.address)) return null;
  return { mirror: tree.address, message: tree.message ?? 'it did not answer', ...(tree.code ? { code: tree.code } : {}) };
}

/** A raw image the person's own mirror answered without: listed only from elsewhere (the snapshot, Fedora's index). */
export interface MirrorGap {
  mirror: string;
  version: string;
  arch: string;
  /** The releases the mirror has for that architecture, newest first. */
  has: string[];
}

/** The gap when `entry` is a raw image the person's own mirror, which answered, does not list. */
export function mirrorGapOf(catalog: Pick<Catalog, 'sources' | 'entries'>, entry: CatalogEntry): MirrorGap | null {
  const mirror = ownMirror(catalog);
  if (!mirror || entry.kind !== 'raw-image' || entry.source === 'checksums') return null;
  const arch = entry.architectures[0] ?? '';
  const has = catalog.entries
    .filter((e) => e.kind === 'raw-image' && e.source === 'checksums' && e.architectures.includes(arch as Arch))
    .sort(compareEntries)
    .map((e) => e.version);
  return { mirror, version: entry.version, arch, has: [...new Set(has)] };
}

/**
 * What a person reads when an image their mirror lacks could not be fetched from elsewhere either:
 * the mirror's answer first (it is theirs to fix), then what the other server did.
 */
export function mirrorGapError(gap: MirrorGap, otherHost: string): FiotError {
  const release = `Fedora IoT ${gap.version} for ${gap.arch}`;
  const has = gap.has.length > 0 ? `, or choose a release it has (${gap.has.join(', ')})` : '';
  return new FiotError(
    'NOT_ON_MIRROR',
    `Your mirror at ${gap.mirror} has no ${release} (nothing in its ${gap.version}/IoT/${gap.arch}/images/ folder), and ${otherHost}, where it would come from instead, did not answer: nothing was downloaded.`,
    `Copy ${release} onto your mirror, in the same folders as Fedora's${has}.`,
  );
}

/** An entry as it fits one board: which delivery writes it there. */
export interface BoardEntry {
  entry: CatalogEntry;
  delivery: Delivery;
}

/** Orders release numbers numerically and puts moving tags after them (they are not releases). */
function versionRank(version: string): number {
  const n = Number.parseInt(version, 10);
  return Number.isFinite(n) && /^\d+$/.test(version) ? n : -1;
}

/**
 * Newest stable first, then prereleases; within a release the ready-made raw image before the
 * containers (the simplest way to a working card), then newest date, then id for a stable order.
 */
export function compareEntries(a: CatalogEntry, b: CatalogEntry): number {
  if (a.stable !== b.stable) return a.stable ? -1 : 1;
  const byVersion = versionRank(b.version) - versionRank(a.version);
  if (byVersion !== 0) return byVersion;
  if (a.kind !== b.kind) return a.kind === 'raw-image' ? -1 : 1;
  const byDate = (b.date ?? '').localeCompare(a.date ?? '');
  if (byDate !== 0) return byDate;
  return a.id.localeCompare(b.id);
}

/** The delivery that writes `entry` to `board`, or null when it cannot boot there. */
export function deliveryFor(entry: CatalogEntry, board: Board): Delivery | null {
  if (!entry.architectures.includes(board.arch)) return null;
  if (entry.kind === 'raw-image') return board.deliveries.includes('published-raw') ? 'published-raw' : null;
  if (board.deliveries.includes('bootc-built-raw')) return 'bootc-built-raw';
  if (board.deliveries.includes('published-raw+bootc-switch')) return 'published-raw+bootc-switch';
  return null;
}

/** The entries that fit a board, newest stable first. */
export function entriesForBoard(catalog: Pick<Catalog, 'entries'>, board: Board): BoardEntry[] {
  return [...catalog.entries]
    .sort(compareEntries)
    .flatMap((entry) => {
      const delivery = deliveryFor(entry, board);
      return delivery ? [{ entry, delivery }] : [];
    });
}

export interface CatalogRef {
  variant: string;
  /** A release number, or `latest` for the newest stable release. */
  version: string;
  /** A board id or an architecture (`aarch64`, `x86_64`). */
  board: string;
}

const refPattern = /^([a-z0-9][a-z0-9._-]*):([A-Za-z0-9._-]+)@([a-z0-9][a-z0-9_-]*)$/;

/** True for strings shaped like a catalog reference, so callers can tell them from paths and URLs. */
export function isCatalogRef(value: string): boolean {
  return refPattern.test(value);
}

/** `fedora-iot:42@rpi4` → { variant: 'fedora-iot', version: '42', board: 'rpi4' }. */
export function parseCatalogRef(value: string): CatalogRef {
  const match = refPattern.exec(value.trim());
  if (!match) {
    throw new FiotError(
      'INVALID_INPUT',
      `“${value}” is not a catalog reference.`,
      'Write it as variant:version@board, for example fedora-iot:42@rpi4 (see fiot-flash boards and fiot-flash catalog).',
    );
  }
  const [, variant = '', version = '', board = ''] = match;
  return { variant, version, board };
}

/**
 * `fedora-iot:43`, a catalog reference without its board: the error that says how to name one, or
 * null for anything else.
 */
export function missingBoardError(value: string): FiotError | null {
  if (!/^[a-z0-9][a-z0-9._-]*:[A-Za-z0-9._-]+$/.test(value.trim())) return null;
  return new FiotError('INVALID_INPUT', `“${value}” names no board: a catalog reference ends with the board the image is for, such as ${value.trim()}@rpi4.`,
    'Add @ and a board id (fiot-flash boards lists them), or @aarch64 or @x86_64 for an architecture.');
}

/**
 * The raw image a reference names for its board: what `flash` and `download` fetch. Only raw images
 * are written directly; a bootc container must be built first (fiot-flash build), and the error says so.
 */
export function resolveCatalogRef(catalog: Pick<Catalog, 'entries'>, boards: Board[], ref: CatalogRef): CatalogEntry {
  const archNames: readonly string[] = archSchema.options;
  const board = boards.find((b) => b.id === ref.board);
  if (!board && !archNames.includes(ref.board)) {
    const near = closestName(ref.board, boards.map((b) => b.id));
    throw new FiotError('NOT_FOUND', `There is no board “${ref.board}”${near ? `: did you mean ${near} (${ref.variant}:${ref.version}@${near})?` : '.'}`,
      `The boards are ${boards.map((b) => b.id).join(', ')}; or name an architecture, aarch64 or x86_64 (fiot-flash boards describes them).`);
  }
  if (board && board.support === 'unsupported') {
    throw new FiotError('INVALID_INPUT', `${board.name} is not supported by Fedora. ${board.notes[0] ?? ''}`.trim(), 'Choose a supported board.');
  }
  const arch = board ? board.arch : ref.board;
  const sameVariant = catalog.entries.filter((e) => e.variant === ref.variant);
  if (sameVariant.length === 0) {
    throw new FiotError('NOT_FOUND', `The catalog has no variant “${ref.variant}”.`, 'Run fiot-flash catalog to list variants and versions.');
  }
  const raw = sameVariant
    .filter((e) => e.kind === 'raw-image' && e.url && e.architectures.some((a) => a === arch))
    .sort(compareEntries);
  if (raw.length === 0) {
    throw new FiotError(
      'NOT_FOUND',
      `${ref.variant} has no ready-made raw image for ${arch}.`,
      `Build one from the container with fiot-flash build ${sameVariant[0]?.reference ?? ref.variant} --arch ${arch}.`,
    );
  }
  const found = ref.version === 'latest' ? raw.find((e) => e.stable) ?? raw[0] : raw.find((e) => e.version === ref.version);
  if (!found) {
    const versions = [...new Set(raw.map((e) => e.version))].join(', ');
    throw new FiotError('NOT_FOUND', `${ref.variant} ${ref.version} has no raw image for ${arch}.`, `Versions with a raw image for ${arch}: ${versions}.`);
  }
  return found;
}
