/**
 * Every check that can happen before the writer starts, in the app's own process: the source
 * resolves to a readable file of a known format (and matches its checksum when one was given),
 * this machine can decode it, and every target exists, is writable and large enough. Bad input
 * fails here, with the drives untouched.
 */
import type { Drive } from '../../../shared/domain/drive';
import { FiotError } from '../../../shared/errors';
import { mediumWords, type MediumWords } from '../../../shared/domain/medium-words';
import { loadBoards } from '../catalog/assets';
import { sha256OfImage } from '../images/verify/sha256';
import { checkTargets, type CheckTargetDeps } from '../drives/check-targets';
import { decoderProblem, inspectSource, pendingDownloadInfo, resolveSource, type PreparedSource, type SourceInfo, type SourceResolver } from '../image-source';

export interface Preflight {
  prepared: PreparedSource;
  source: SourceInfo;
  drives: Drive[];
  sourceSha256?: string;
}

export interface PreflightDeps extends CheckTargetDeps {
  resolvers?: SourceResolver[];
}

/** What the request's board starts from (a card, a USB stick); no board, or one this version lacks: the neutral words. */
export function boardMedium(boardId: string | undefined): MediumWords | undefined {
  const board = boardId ? loadBoards().find((b) => b.id === boardId) : undefined;
  return board ? mediumWords(board) : undefined;
}

export async function preflight(request: { source: string; targets: string[]; sha256?: string; insecureSkipSignature?: boolean; whileDownloading?: boolean; board?: string }, deps: PreflightDeps, signal: AbortSignal): Promise<Preflight> {
  const prepared = await resolveSource(request.source, deps.resolvers, signal, { sha256: request.sha256, insecureSkipSignature: request.insecureSkipSignature, whileDownloading: request.whileDownloading ?? false });
  // A download not made yet is known by what its server said: the download checks its own sha256.
  const source = prepared.download ? pendingDownloadInfo(prepared.path, prepared.download) : await inspectSource(prepared.path);
  const problem = decoderProblem(source);
  if (problem) throw problem;

  const medium = boardMedium(request.board);
  const { drives } = await checkTargets(request.targets, { size: source.size ?? (source.minSize || null), path: source.path, ...(prepared.origin ? { origin: prepared.origin } : {}) }, { ...deps, ...(medium ? { medium } : {}) });
  if (prepared.download) return { prepared, source, drives };

  if (!request.sha256) return { prepared, source, drives, ...(prepared.verifiedSha256 ? { sourceSha256: prepared.verifiedSha256 } : {}) };
  if (prepared.verifiedSha256 === request.sha256.toLowerCase()) return { prepared, source, drives, sourceSha256: prepared.verifiedSha256 };
  const sourceSha256 = await sha256OfImage(source.path, signal);
  if (sourceSha256 !== request.sha256.toLowerCase()) {
    throw new FiotError('CHECKSUM_MISMATCH', `${source.path} has sha256 ${sourceSha256}, not the expected ${request.sha256.toLowerCase()}.`);
  }
  return { prepared, source, drives, sourceSha256 };
}
