/**
 * Runs the on-card command once per card of a finished job, in card order, through `/bin/sh -c`
 * (a person's own command line, as a cron entry is), with what the card became in its environment:
 *
 *   FIOT_DEVICE FIOT_SERIAL FIOT_MODEL FIOT_HOSTNAME FIOT_IP FIOT_ROW (table line) FIOT_TABLE_ROW FIOT_LABEL
 *   FIOT_RESULT (verified | ok | failed | cancelled) FIOT_ERROR_CODE FIOT_ERROR FIOT_JOB_ID FIOT_CARD
 *
 * A command that exits non-zero, cannot start, or runs past its time is a failed report with the
 * end of its stderr; the caller shows every failure (the CLI's result and exit status, the app's
 * result view).
 */
import { spawn } from 'node:child_process';
import { sheetCard } from '../../../shared/batch-sheet';
import type { OnCardReport } from '../../../shared/domain/on-card';
import { identifyDevice } from '../drives/device-identity';
import { entriesFromFlash, type FinishedFlash } from '../history/flash-entries';
import type { HistoryEntry } from '../../../shared/domain/history';

/** A label printer or an inventory call answers in seconds; a command that hangs must not hold the bench. */
export const ON_CARD_TIMEOUT_MS = 60_000;
const STDERR_KEPT = 2000;

/** The card as the batch sheet shows it (shared/batch-sheet.ts), plus its error and job. */
export function cardEnvironment(entry: HistoryEntry): Record<string, string> {
  const card = sheetCard(entry);
  return {
    FIOT_DEVICE: card.device,
    FIOT_SERIAL: card.serial,
    FIOT_MODEL: card.model,
    FIOT_HOSTNAME: card.hostname,
    FIOT_IP: card.ip,
    // Scripts rely on FIOT_ROW holding the table's line, as it always did; the device's row
    // number (1 = the table's first device) came later, under its own name.
    FIOT_ROW: entry.tableLine === undefined ? '' : String(entry.tableLine),
    FIOT_TABLE_ROW: entry.tableRow === undefined ? '' : String(entry.tableRow),
    FIOT_LABEL: card.label,
    FIOT_RESULT: card.result,
    FIOT_ERROR_CODE: entry.error?.code ?? '',
    FIOT_ERROR: entry.error?.message ?? '',
    FIOT_JOB_ID: entry.jobId,
    FIOT_CARD: String(card.card),
  };
}

export function runOnCardCommand(command: string, env: Record<string, string>, device: string, timeoutMs = ON_CARD_TIMEOUT_MS): Promise<OnCardReport> {
  return new Promise((resolve) => {
    let stderr = '';
    let timedOut = false;
    const child = spawn('/bin/sh', ['-c', command], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-STDERR_KEPT);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const tail = () => (stderr.trim() ? `: ${stderr.trim()}` : '.');
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ device, ok: false, exitCode: null, message: `The on-card command could not start for ${device}: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve({ device, ok: true, exitCode: 0, message: '' });
      const why = timedOut ? `ran longer than ${Math.round(timeoutMs / 1000)} s and was stopped` : code === null ? `was stopped by ${signal}` : `exited with status ${code}`;
      resolve({ device, ok: false, exitCode: code, message: `The on-card command ${why} for ${device}${tail()}` });
    });
  });
}

/** One report per card of the job, in card order. */
export async function runOnCardHooks(command: string, finished: FinishedFlash, timeoutMs = ON_CARD_TIMEOUT_MS): Promise<OnCardReport[]> {
  const identities = Object.fromEntries(finished.drives.map((drive) => [drive.device, identifyDevice(drive)]));
  const reports: OnCardReport[] = [];
  for (const entry of entriesFromFlash(finished, new Date(), identities)) {
    reports.push(await runOnCardCommand(command, cardEnvironment(entry), entry.device.path, timeoutMs));
  }
  return reports;
}
