/**
 * Awaiting the cards' check-ins. A run that asks for it opens (or shares) an HTTPS listener on
 * the address the user picked, with the station's kept certificate, and gives each card a random
 * token; only the token's sha256 stays here. Once the write is over, each card written to the
 * end is awaited until it reports or its wait runs out; the listener closes when no card of it
 * is awaited any more, so the app listens only while a batch awaits reports.
 */
import { randomBytes, X509Certificate, createHash } from 'node:crypto';
import { checkinRequestSchema, type CardCheckin, type CheckinReport, type CheckinRequest } from '../../../shared/domain/checkin';
import type { CheckinCard } from '../../../shared/provisioning/checkin-unit';
import type { EventBus } from '../router';
import { stationCertificate } from '../station-certificate';
import { certificateAddresses } from './addresses';
import { appendCheckin, readCheckins } from './checkin-log';
import { startCheckinListener, tokenSha256, type Acceptance, type CheckinListener } from './checkin-listener';
import type { RateLimits } from './rate-limit';

/** Where a run's cards report, and whom they trust. */
export interface CheckinEndpoint {
  origin: string;
  caCert: string;
  pinnedPubkey: string;
  waitMinutes: number;
}

/** One written card, as the run knows it when the write is over. */
export interface WrittenCard {
  card: number;
  device: string;
  written: boolean;
  hostname?: string;
  user?: string;
}

/** What a flash run needs from the check-in (electron/core/flash/job.ts, provision/plan-flash.ts). */
export interface CheckinIssuer {
  /** Listens for job `jobId`'s cards (sharing a listener on the same address); settle ends the job's claim on it. */
  open(request: CheckinRequest, jobId: string): Promise<CheckinEndpoint>;
  issue(endpoint: CheckinEndpoint, jobId: string, card: number): CheckinCard;
  settle(jobId: string, cards: WrittenCard[]): Promise<void>;
}

interface Awaited {
  origin: string;
  jobId: string;
  card: number;
  waitMinutes: number;
  checkin?: CardCheckin;
  timer?: NodeJS.Timeout;
}

export interface CheckinServiceDeps {
  configDir: string;
  events: EventBus;
  /** Tests shorten these; the defaults suit a bench of devices. */
  limits?: RateLimits;
}

function pinOf(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256//${createHash('sha256').update(spki).digest('base64')}`;
}

function originOf(address: string, port: number): string {
  return `https://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

export class CheckinService implements CheckinIssuer {
  private readonly listeners = new Map<string, { listener: CheckinListener; endpoint: CheckinEndpoint }>();
  private readonly opening = new Map<string, Promise<CheckinEndpoint>>();
  /** By the token's sha256. */
  private readonly cards = new Map<string, Awaited>();
  /** Jobs still writing, by id: their listener stays open even before they issued a token. */
  private readonly running = new Map<string, string>();

  constructor(private readonly deps: CheckinServiceDeps) {}

  async open(input: CheckinRequest, jobId: string): Promise<CheckinEndpoint> {
    const request = checkinRequestSchema.parse(input);
    const key = `${request.address}|${request.port}|${request.waitMinutes}`;
    this.running.set(jobId, key);
    const open = this.listeners.get(key);
    if (open) return open.endpoint;
    // Two runs started together share one listener.
    let opening = this.opening.get(key);
    if (!opening) {
      opening = this.listen(key, request.address, request.port, request.waitMinutes).finally(() => this.opening.delete(key));
      this.opening.set(key, opening);
    }
    return opening;
  }

  private async listen(key: string, address: string, port: number, waitMinutes: number): Promise<CheckinEndpoint> {
    const tls = await stationCertificate(this.deps.configDir, certificateAddresses(address));
    const listener = await startCheckinListener({ address, port, tls, accept: (hash, report, from) => this.accept(hash, report, from), ...(this.deps.limits ? { limits: this.deps.limits } : {}) });
    const endpoint = { origin: originOf(address, listener.port), caCert: tls.cert, pinnedPubkey: pinOf(tls.cert), waitMinutes };
    this.listeners.set(key, { listener, endpoint });
    return endpoint;
  }

  issue(endpoint: CheckinEndpoint, jobId: string, card: number): CheckinCard {
    const token = randomBytes(32).toString('base64url');
    this.cards.set(tokenSha256(token), { origin: endpoint.origin, jobId, card, waitMinutes: endpoint.waitMinutes });
    return { origin: endpoint.origin, caCert: endpoint.caCert, pinnedPubkey: endpoint.pinnedPubkey, token, jobId, card };
  }

  async settle(jobId: string, written: WrittenCard[]): Promise<void> {
    if (!this.running.delete(jobId)) return;
    const since = new Date().toISOString();
    for (const [hash, awaited] of this.cards) {
      if (awaited.jobId !== jobId || awaited.checkin) continue;
      const card = written.find((w) => w.card === awaited.card);
      // A card that was not written to the end never boots with this token: forget it.
      if (!card?.written) {
        this.cards.delete(hash);
        continue;
      }
      const { waitMinutes } = awaited;
      awaited.checkin = { jobId, card: card.card, device: card.device, ...(card.hostname ? { hostname: card.hostname } : {}), ...(card.user ? { user: card.user } : {}), state: 'awaiting', since, waitMinutes };
      awaited.timer = setTimeout(() => void this.expire(hash), waitMinutes * 60_000);
      awaited.timer.unref();
      await this.record(awaited.checkin);
    }
    await this.closeIdle();
    await this.changed();
  }

  /** Cards of recent batches, newest first, from the log (the same cards the history shows). */
  async list(limit = 200): Promise<CardCheckin[]> {
    return [...(await readCheckins(this.deps.configDir)).values()].reverse().slice(0, limit);
  }

  async close(): Promise<void> {
    this.running.clear();
    for (const awaited of this.cards.values()) clearTimeout(awaited.timer);
    this.cards.clear();
    await Promise.all([...this.listeners.values()].map(({ listener }) => listener.close()));
    this.listeners.clear();
  }

  /** Answered once the report is in the log and pushed: the device's 204 means the app shows it. */
  private async accept(hash: string, report: CheckinReport, from: string): Promise<Acceptance> {
    const awaited = this.cards.get(hash);
    const checkin = awaited?.checkin;
    if (!awaited || !checkin || report.job !== awaited.jobId || report.card !== awaited.card) return 'unknown';
    if (checkin.state !== 'awaiting') return 'replayed';
    clearTimeout(awaited.timer);
    const { hostname, serial, macs, ips, version } = report;
    awaited.checkin = { ...checkin, state: 'came-up', report: { time: new Date().toISOString(), hostname, serial, macs, ips, version, from } };
    await this.record(awaited.checkin);
    await this.changed();
    // After the answer is on its way: closing waits for this very connection.
    setImmediate(() => void this.closeIdle());
    return 'taken';
  }

  private async expire(hash: string): Promise<void> {
    const awaited = this.cards.get(hash);
    if (!awaited?.checkin || awaited.checkin.state !== 'awaiting') return;
    awaited.checkin = { ...awaited.checkin, state: 'silent' };
    await this.record(awaited.checkin);
    await this.changed();
    await this.closeIdle();
  }

  /** Closes each listener none of whose cards is awaited or still being written; their tokens go with it. */
  private async closeIdle(): Promise<void> {
    const claimed = new Set(this.running.values());
    for (const [key, { listener, endpoint }] of this.listeners) {
      if (claimed.has(key)) continue;
      const mine = [...this.cards.entries()].filter(([, awaited]) => awaited.origin === endpoint.origin);
      if (mine.some(([, awaited]) => !awaited.checkin || awaited.checkin.state === 'awaiting')) continue;
      this.listeners.delete(key);
      for (const [hash] of mine) this.cards.delete(hash);
      await listener.close();
    }
  }

  private async record(checkin: CardCheckin): Promise<void> {
    await appendCheckin(this.deps.configDir, checkin).catch((error: unknown) => process.emitWarning(`The check-in log could not be written in ${this.deps.configDir}: ${(error as Error).message}`));
  }

  private async changed(): Promise<void> {
    this.deps.events.emit('checkin:changed', { cards: await this.list() });
  }
}
