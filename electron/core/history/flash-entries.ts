/**
 * Turns a finished flash job into history entries, one per card. Provisioning is reduced to its
 * mode and user names on purpose: password hashes, SSH keys, Wi-Fi passphrases and Ignition text
 * must never reach a log that is exported and mailed around.
 */
import type { DeviceIdentity } from '../drives/device-identity';
import type { FinishedFlash } from '../flash/job';
import type { HistoryEntry, HistoryResult } from '../../../shared/domain/history';
import { isEmptyProfile, profileMode, profileSchema } from '../../../shared/provisioning/profile';

export type { FinishedFlash };

type FlashTarget = FinishedFlash['result']['targets'][number];

export function provisioningSummary(provisioning: unknown): HistoryEntry['provisioning'] {
  if (provisioning === undefined || provisioning === null) return { mode: 'none', users: [] };
  const parsed = profileSchema.safeParse(provisioning);
  // A profile that does not parse was refused before writing; nothing of it reached a card.
  if (!parsed.success || isEmptyProfile(parsed.data)) return { mode: 'none', users: [] };
  return { mode: profileMode(parsed.data), users: parsed.data.users.map((user) => user.name) };
}

function outcome(target: FlashTarget): HistoryResult {
  if (target.state === 'cancelled') return 'cancelled';
  if (target.state !== 'done' || target.error) return 'failed';
  return target.verified ? 'verified' : 'ok';
}

function sourceOf({ result, request }: FinishedFlash): HistoryEntry['source'] {
  const trust = result.sourceTrust;
  return {
    given: request.source,
    ...(result.sourceSha256 ? { sha256: result.sourceSha256 } : {}),
    ...(trust?.signature ? { signedBy: trust.signature.signedBy } : {}),
    ...(trust?.signatureSkipped ? { signatureSkipped: true } : {}),
  };
}

/** `identities`: each drive's model and serial by device path (electron/core/drives/device-identity.ts). */
export function entriesFromFlash(flash: FinishedFlash, finishedAt = new Date(), identities: Record<string, DeviceIdentity> = {}): HistoryEntry[] {
  const { result, request, drives } = flash;
  const provisioning = provisioningSummary(request.provisioning);
  const source = sourceOf(flash);
  return result.targets.map((target, index) => {
    const drive = drives.find((d) => d.device === target.device);
    const error = target.error ?? (outcome(target) === 'failed' ? result.error : undefined);
    const identity = identities[target.device] ?? {};
    // A card that stopped before the end never got its name (or config): record neither for it.
    const finished = target.state === 'done';
    return {
      time: finishedAt.toISOString(),
      jobId: result.jobId,
      // A bench session's cards are one batch, numbered in insertion order across its jobs.
      ...(request.session ? { batchId: request.session.id } : {}),
      card: request.session?.cards[index] ?? index + 1,
      source,
      imageSize: result.imageSize,
      device: {
        path: target.device,
        ...(drive ? { description: drive.description, size: drive.size, kind: drive.kind } : {}),
        ...(identity.model ? { model: identity.model } : {}),
        ...(identity.serial ? { serial: identity.serial } : {}),
      },
      ...(target.hostname ? (finished ? { hostname: target.hostname } : { plannedHostname: target.hostname }) : {}),
      ...(target.tableRow ? { tableRow: target.tableRow } : {}),
      ...(target.tableLine ? { tableLine: target.tableLine } : {}),
      ...(target.label ? { label: target.label } : {}),
      ...(target.ip ? { ip: target.ip } : {}),
      ...(finished && target.configSha256 ? { configSha256: target.configSha256 } : {}),
      provisioning,
      result: outcome(target),
      ...(target.writtenSha256 ? { writtenSha256: target.writtenSha256 } : {}),
      ...(target.oldData ? { oldData: target.oldData } : {}),
      ...(error ? { error: { code: error.code, message: error.message } } : {}),
      durationMs: result.durationMs,
    };
  });
}
