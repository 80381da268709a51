import { z } from 'zod';

/**
 * Check-in: a freshly written device tells the app it came up. The card carries a one-shot unit
 * (shared/provisioning/checkin-unit.ts) that posts ONE small report, authenticated by a per-card
 * random token of which the app keeps only the hash, over HTTPS pinned to the app's certificate.
 */

/** Where the device posts its report (HTTPS, form-encoded). */
export const CHECKIN_PATH = '/checkin';
/** A report is a few hundred bytes; anything larger is refused unread. */
export const MAX_CHECKIN_BYTES = 4096;
/** How long the app waits for a card before it says "not heard from". */
export const DEFAULT_CHECKIN_WAIT_MINUTES = 30;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]{2,39}$/;

/** What a flash request asks for: check-in on, at an address of this machine the devices can reach. */
export const checkinRequestSchema = z.object({
  /** One of this machine's addresses (default: its LAN address); the devices must be able to reach it. */
  address: z.string().refine((a) => IPV4.test(a) || (IPV6.test(a) && a.includes(':')), 'must be an IP address of this machine, such as 192.168.1.20'),
  /** The port to listen on; 0 (the default) picks a free one. */
  port: z.number().int().min(0).max(65535).default(0),
  /** After how many minutes without a report a card is "not heard from". */
  waitMinutes: z.number().int().min(1).max(24 * 60).default(DEFAULT_CHECKIN_WAIT_MINUTES),
});
export type CheckinRequest = z.input<typeof checkinRequestSchema>;

const field = (max: number) => z.string().max(max).regex(/^[\x20-\x7e]*$/, 'must be printable ASCII');
const list = (max: number) => field(max * 40).transform((text) => text.split(/[\s,]+/).filter(Boolean).slice(0, max));

/** The report as the device's curl sends it (application/x-www-form-urlencoded). */
export const checkinReportSchema = z.object({
  job: field(100),
  card: z.coerce.number().int().positive(),
  hostname: field(253),
  serial: field(100).default(''),
  macs: list(16).default([]),
  ips: list(32).default([]),
  version: field(100).default(''),
});
export type CheckinReport = z.output<typeof checkinReportSchema>;

export const checkinStateSchema = z.enum(['awaiting', 'came-up', 'silent']);

/** One written card's check-in, as the app, the station's tiles and the history show it. */
export const cardCheckinSchema = z.object({
  jobId: z.string(),
  /** The card's number in its run (1 for the first target), as in the history. */
  card: z.number().int().positive(),
  device: z.string().optional(),
  /** The name the card was given, and the first user, for the ssh line. */
  hostname: z.string().optional(),
  user: z.string().optional(),
  state: checkinStateSchema,
  /** When the card was written (the wait starts then), ISO 8601 UTC. */
  since: z.string(),
  waitMinutes: z.number().int().positive(),
  /** When the report arrived, and what it said. */
  report: z.object({
    time: z.string(),
    hostname: z.string(),
    serial: z.string(),
    macs: z.array(z.string()),
    ips: z.array(z.string()),
    version: z.string(),
    /** The address the report came from. */
    from: z.string(),
  }).optional(),
});
export type CardCheckin = z.infer<typeof cardCheckinSchema>;

/** The address to ssh to: the one the report came from when the device lists it, else its first. */
export function reachableAddress(report: NonNullable<CardCheckin['report']>): string {
  return report.ips.includes(report.from) || report.ips.length === 0 ? report.from : report.ips[0]!;
}

function clock(iso: string): string {
  const time = new Date(iso);
  return `${String(time.getHours()).padStart(2, '0')}:${String(time.getMinutes()).padStart(2, '0')}`;
}

/** When the app stops listening for a card (its wait runs out), in ms since the epoch. */
function listensUntil(checkin: CardCheckin): number {
  return Date.parse(checkin.since) + checkin.waitMinutes * 60_000;
}

/**
 * A card not heard from yet, in what is known rather than a wait that may never end (the card
 * taken out, the bench switched off, the app restarted): when it was written, that it has not
 * called in, and until when the app listens, or that it no longer does.
 */
export function notCalledInWords(checkin: CardCheckin, now = Date.now()): { short: string; listening: string } {
  const until = listensUntil(checkin);
  const listening = now < until ? `the app listens until ${clock(new Date(until).toISOString())}` : `the app stopped listening at ${clock(new Date(until).toISOString())}`;
  return { short: `written ${clock(checkin.since)}; it has not called in yet`, listening };
}

/** A table cell: "came up 10:32 on 192.168.1.57", "not heard from after 30 min", "written 10:02; it has not called in yet". */
export function checkinSummary(checkin: CardCheckin, now = Date.now()): string {
  if (checkin.state === 'came-up' && checkin.report) return `came up ${clock(checkin.report.time)} on ${reachableAddress(checkin.report)}`;
  if (checkin.state === 'silent') return `not heard from after ${checkin.waitMinutes} min`;
  return notCalledInWords(checkin, now).short;
}

/** "greenhouse came up at 10:32 on 192.168.1.57: ssh maya@192.168.1.57", or why not (yet). */
export function checkinLine(checkin: CardCheckin, now = Date.now()): string {
  const name = checkin.report?.hostname || checkin.hostname || `Card ${checkin.card}`;
  if (checkin.state === 'came-up' && checkin.report) {
    const address = reachableAddress(checkin.report);
    return `${name} came up at ${clock(checkin.report.time)} on ${address}${checkin.user ? `: ssh ${checkin.user}@${address}` : ''}`;
  }
  if (checkin.state === 'silent') return `${name}: not heard from after ${checkin.waitMinutes} minutes`;
  const { short, listening } = notCalledInWords(checkin, now);
  return `${name}: ${short} (${listening})`;
}
