/** Numbers as the progress and result views say them. Sizes use shared/format-size.ts (card units). */
import { formatSize } from '../../shared/format-size';

export { formatSize };

/** A drive's size as its row says it; a file target that does not exist yet has none. */
export function driveSizeWords(drive: { kind: string; size: number | null }): string {
  return drive.kind === 'file' && drive.size === null ? 'new file' : formatSize(drive.size);
}

export function formatSpeed(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${formatSize(bytesPerSecond)}/s` : '';
}

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  if (seconds < 10) return 'a few seconds left';
  if (seconds < 90) return `about ${Math.round(seconds / 5) * 5} s left`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `about ${minutes} min left` : `about ${(seconds / 3600).toFixed(1)} h left`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export function percent(done: number, total: number | null): number | null {
  if (!total) return null;
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}
