/**
 * Provisioning for a flash run, planned before the writer starts: each target's profile (the
 * request's, or a device-table row over it), its number in the hostname series, its plan; then
 * the source image is checked for what the plans need. Any problem stops the run before a card is
 * touched. Numbers and rows are taken when the write starts (`takeBatchValues`): from then on a
 * card may carry them, so they are never handed out again; a table row is only marked used once
 * its card is verified (a failed card's row goes back to the pool, for a retry).
 */
import { createHash } from 'node:crypto';
import { knownSameCard, type CardIdentity, type Drive } from '../../../shared/domain/drive';
import type { HistoryEntry } from '../../../shared/domain/history';
import type { CheckinRequest } from '../../../shared/domain/checkin';
import type { FlashResult } from '../../../shared/domain/flash';
import { FiotError } from '../../../shared/errors';
import { checkProfile, hasCounter, planForCard, problem, profileMode, readDeviceTable, tableRowWords, type CheckinCard, type DeviceRow, type Problem, type Profile, type ProvisioningPlan } from '../../../shared/provisioning';
import type { CheckinIssuer } from '../checkin/checkin-service';
import { cardIdentity } from '../drives/device-identity';
import type { SourceInfo } from '../image-source';
import { readEntries } from '../history/flash-log';
import { planKernelArguments } from './inspect';
import { SeriesStore } from './series-store';
import { checkSourceForProvisioning } from './source-check';
import { TableState } from './table-state';

export interface TargetPlan {
  plan: ProvisioningPlan;
  hostname?: string;
  /** The card's `{n}`. */
  n: number;
  tableRow?: number;
  tableLine?: number;
  label?: string;
  /** The card's static address (A.B.C.D/N), from its table row or the profile: for the site sheet. */
  ip?: string;
  configSha256?: string;
  /** The card's first user: whom the "came up" line tells the person to ssh in as. */
  user?: string;
}

export interface BatchRequest {
  provisioning?: unknown;
  counterStart?: number;
  cardNumbers?: number[];
  table?: { text: string; name?: string };
  allowDuplicateHostnames?: boolean;
  checkin?: CheckinRequest;
  /** A bench session's job: each target's card number in the session (the history's, and the check-in's). */
  session?: { cards: number[] };
}

/** Where series and table state live; without a config folder nothing persists (a library caller's own run). */
export interface BatchContext {
  configDir?: string;
  jobId: string;
  /** Gives each card its check-in token when the request asks for check-in. */
  checkins?: CheckinIssuer;
}

export interface CardPreview {
  card: number;
  n: number;
  hostname?: string;
  tableRow?: number;
  tableLine?: number;
  label?: string;
  /** The card's static address (A.B.C.D/N), when it gets one. */
  ip?: string;
}

interface Checked {
  profile: Profile;
  rows?: DeviceRow[];
}

function invalid(problems: Problem[]): FiotError {
  return new FiotError('INVALID_INPUT', problems.map((p) => p.message).join('\n'));
}

function checkBatch(request: BatchRequest): Checked {
  const { profile, problems } = checkProfile(request.provisioning);
  if (!profile) throw invalid(problems);
  const mode = profileMode(profile);
  if (request.checkin && mode !== 'config') throw invalid([problem('checkin', `needs the config this app writes, and ${mode === 'url' ? 'the URL' : 'Zezere'} decides the card's config: turn the check-in off`)]);
  if (!request.table) return { profile };
  const { table, problems: tableProblems } = readDeviceTable(request.table.text, request.provisioning);
  if (!table) throw invalid(tableProblems);
  return { profile, rows: table.rows };
}

/** The series a run draws from: the hostname pattern, when it counts. */
function seriesPattern(profile: Profile): string | undefined {
  return profile.hostname && hasCounter(profile.hostname) ? profile.hostname : undefined;
}

/** Card i's `{n}`: the number given for it (a retry), or the next in the series from `first`. */
type CardNumber = (i: number) => number;

function numbering(request: BatchRequest, first: number): CardNumber {
  const given = request.cardNumbers;
  return (i) => given?.[i] ?? first + i;
}

/** Card i's check-in (its own token), when the run awaits reports. */
type CheckinOf = (i: number) => CheckinCard | undefined;

function plansFor(checked: Checked, rows: DeviceRow[] | undefined, count: number, numberOf: CardNumber, checkinOf: CheckinOf = () => undefined): TargetPlan[] {
  return Array.from({ length: count }, (_, i) => {
    const row = rows?.[i];
    const n = numberOf(i);
    const profile = row?.profile ?? checked.profile;
    const user = profile.users[0]?.name;
    const { plan, problems } = planForCard(profile, n, checkinOf(i));
    if (!plan) throw invalid(row ? problems.map((p) => ({ ...p, message: `table ${tableRowWords(row)}: ${p.message}` })) : problems);
    const configText = plan.mode === 'config' ? plan.configText : undefined;
    return {
      plan,
      n,
      ...(plan.mode === 'config' && plan.hostname ? { hostname: plan.hostname } : {}),
      ...(row ? { tableRow: row.row, tableLine: row.line, ...(row.label ? { label: row.label } : {}) } : {}),
      ...(profile.staticIp?.address ? { ip: profile.staticIp.address } : {}),
      ...(configText ? { configSha256: createHash('sha256').update(configText).digest('hex') } : {}),
      ...(user ? { user } : {}),
    };
  });
}

/** The card a history entry was written to, as the history recorded it. */
function entryCard(entry: HistoryEntry): CardIdentity {
  const { serial, model, size } = entry.device;
  return { ...(serial ? { serial } : {}), ...(model ? { model } : {}), size: size ?? null };
}

/**
 * Names among `names` the history holds for another written card than the one each goes to
 * (`cards[i]`, when known). The same card written again with its own name is one device
 * replacing itself, not two devices colliding on the network; a card without a serial cannot be
 * told from another of its model and size, so its name still counts as held.
 */
async function namesInHistory(configDir: string | undefined, names: Array<string | undefined>, cards: Array<CardIdentity | undefined> = []): Promise<string[]> {
  if (!configDir) return [];
  const written = (await readEntries(configDir)).filter((e) => e.hostname !== undefined && (e.result === 'verified' || e.result === 'ok'));
  return names.filter((name, i): name is string => name !== undefined && written.some((e) => e.hostname === name && !knownSameCard(entryCard(e), cards[i])));
}

async function freeRows(checked: Checked, configDir: string | undefined): Promise<DeviceRow[] | undefined> {
  if (!checked.rows || !configDir) return checked.rows;
  const used = await new TableState(configDir).usedRows(checked.rows);
  return checked.rows.filter((_, i) => !used[i]);
}

/**
 * A state file that cannot be written stops the job before a card is touched, in words
 * (STATE_NOT_SAVED). A refusal the store made itself (a series past its last number, a damaged
 * file) keeps its own code and words.
 */
async function notSaved<T>(what: string, saving: Promise<T>): Promise<T> {
  return saving.catch((error: unknown) => {
    if (error instanceof FiotError) throw error;
    throw new FiotError('STATE_NOT_SAVED', `The ${what} could not be saved: ${error instanceof Error ? error.message : String(error)}. Nothing was written.`);
  });
}

function refuseRepeatedNames(names: string[], request: BatchRequest): void {
  if (names.length && !request.allowDuplicateHostnames) {
    throw new FiotError('DUPLICATE_HOSTNAME', `The history already holds a card named ${names.map((n) => `“${n}”`).join(', ')}.`);
  }
}

export function tableExhausted(left: number, cards: number): FiotError {
  return new FiotError('TABLE_EXHAUSTED', `The device table has ${left} unused row${left === 1 ? '' : 's'} for ${cards} card${cards === 1 ? '' : 's'}.`);
}

interface Tentative {
  checked: Checked;
  plans: TargetPlan[];
  first: number;
  /** Unused table rows, when the request has a table. */
  rows?: DeviceRow[];
  repeatedNames: string[];
}

/** The plans the next `count` cards would get now, taking nothing. */
async function tentativePlans(request: BatchRequest, count: number, configDir: string | undefined, cards?: Array<CardIdentity | undefined>): Promise<Tentative> {
  const checked = checkBatch(request);
  const pattern = seriesPattern(checked.profile);
  const first = request.counterStart ?? (pattern && configDir ? await new SeriesStore(configDir).peek(pattern) : 1);
  const rows = await freeRows(checked, configDir);
  const plans = plansFor(checked, rows, Math.min(count, rows?.length ?? count), numbering(request, first));
  return { checked, plans, first, ...(rows ? { rows } : {}), repeatedNames: await namesInHistory(configDir, plans.map((p) => p.hostname), cards) };
}

/**
 * What the next `count` cards would get, without taking anything: the summary before writing.
 * `targetCards`: the cards the names go to, in order, when known (a name back on its own card is no repeat).
 */
export async function previewBatch(request: BatchRequest, count: number, configDir?: string, targetCards?: Array<CardIdentity | undefined>): Promise<{ cards: CardPreview[]; repeatedNames: string[]; rowsLeft?: number; rowsUsed?: number[] }> {
  const { checked, plans, rows, repeatedNames } = await tentativePlans(request, count, configDir, targetCards);
  const cards = plans.map((p, i) => ({ card: i + 1, n: p.n, ...(p.hostname ? { hostname: p.hostname } : {}), ...(p.tableLine ? { tableRow: p.tableRow, tableLine: p.tableLine } : {}), ...(p.label ? { label: p.label } : {}), ...(p.ip ? { ip: p.ip } : {}) }));
  const free = new Set(rows);
  return { cards, repeatedNames, ...(rows ? { rowsLeft: rows.length, rowsUsed: (checked.rows ?? []).filter((row) => !free.has(row)).map((row) => row.row) } : {}) };
}

/** Opens the check-in listener and hands the i+1th target its token, under its card number in the history, when the request asks. */
async function checkinTokens(request: BatchRequest, { checkins, jobId }: BatchContext): Promise<CheckinOf> {
  if (!request.checkin) return () => undefined;
  if (!checkins) throw new FiotError('PREFLIGHT_FAILED', 'This front end cannot receive check-ins from the devices.', 'Write the cards from the app or a station, or turn the check-in off.');
  const endpoint = await checkins.open(request.checkin, jobId);
  return (i) => checkins.issue(endpoint, jobId, request.session?.cards[i] ?? i + 1);
}

/** What a run's plans need of the image: the check the source gets before any card is written. */
export interface ImageNeeds {
  mode: ProvisioningPlan['mode'];
  /** Any card with kernel arguments needs the image's boot entries to carry them. */
  kernelArguments: string[];
  /** The largest config a card of the run gets, which `boot` must have room for. */
  configBytes: number;
}

function imageNeeds(plans: TargetPlan[]): ImageNeeds | undefined {
  if (!plans[0]) return undefined;
  return {
    mode: plans[0].plan.mode,
    kernelArguments: plans.map((target) => planKernelArguments(target.plan)).find((args) => args.length) ?? [],
    configBytes: Math.max(0, ...plans.map(({ plan }) => (plan.mode === 'config' ? Buffer.byteLength(plan.configText) : 0))),
  };
}

export interface PlannedRun {
  targets: TargetPlan[];
  settle(result: FlashResult): Promise<void>;
  /** What the image must offer; checked here when the source was given, else by the writer once the image is there. */
  imageNeeds?: ImageNeeds;
}

/**
 * Checks everything, then takes the numbers and rows for `drives` (the write is about to start).
 * Returns each target's plan and `settle`, which marks the rows of cards written to the end used
 * (verified, unless the user turned verification off). `source` is undefined for an image still
 * to download: the writer checks the image against `imageNeeds` once it is written.
 */
export async function planFlashProvisioning(request: BatchRequest, drives: Drive[], source: SourceInfo | undefined, context: BatchContext): Promise<PlannedRun> {
  const { configDir, jobId } = context;
  const cards = drives.map(cardIdentity);
  const tentative = await tentativePlans(request, drives.length, configDir, cards);
  const { checked } = tentative;
  if (tentative.rows && tentative.rows.length < drives.length) throw tableExhausted(tentative.rows.length, drives.length);
  // With a table, the names come from the rows this run reserves below (a running job may hold the first unused ones).
  if (!checked.rows) refuseRepeatedNames(tentative.repeatedNames, request);
  const needs = imageNeeds(tentative.plans);
  if (source && needs) await checkSourceForProvisioning(source, needs.mode, needs.kernelArguments, needs.configBytes);
  const checkinOf = await checkinTokens(request, context);
  if (!configDir) return withNeeds({ targets: plansFor(checked, tentative.rows, drives.length, numbering(request, tentative.first), checkinOf), settle: async () => undefined });

  const pattern = seriesPattern(checked.profile);
  // Numbers given outright were taken by an earlier run: the series stays where it is.
  const first = pattern && !request.cardNumbers ? await notSaved('hostname series', new SeriesStore(configDir).take(pattern, drives.length, request.counterStart)) : tentative.first;
  const table = new TableState(configDir);
  const rows = checked.rows ? await notSaved('device table rows', table.reserve(checked.rows, drives.length, jobId)) : undefined;
  if (rows && rows.length < drives.length) {
    await table.settle(jobId, []);
    throw new FiotError('TABLE_EXHAUSTED', `Another run took the device table's last rows: ${rows.length} left for ${drives.length} cards.`);
  }
  const targets = plansFor(checked, rows, drives.length, numbering(request, first), checkinOf);
  if (rows) {
    try {
      refuseRepeatedNames(await namesInHistory(configDir, targets.map((t) => t.hostname), cards), request);
    } catch (error) {
      await table.settle(jobId, []);
      throw error;
    }
  }
  return withNeeds({
    targets,
    async settle(result) {
      if (!rows) return;
      const written = result.targets.flatMap((target, i) => (target.state === 'done' && rows[i] ? [{ row: rows[i], device: target.device }] : []));
      await table.settle(jobId, written);
    },
  });
}

/** The run's own plans (their final names and numbers) say what the image must offer. */
function withNeeds(run: Omit<PlannedRun, 'imageNeeds'>): PlannedRun {
  const needs = imageNeeds(run.targets);
  return needs ? { ...run, imageNeeds: needs } : run;
}
