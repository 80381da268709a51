import type { HistoryEntry } from '../../../shared/domain/history';

export function sampleEntry(overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    time: '2026-11-26T08:00:00.000Z',
    jobId: 'job-1',
    card: 1,
    source: { given: '/images/Fedora-IoT-raw-42.aarch64.raw.xz', sha256: 'a'.repeat(64) },
    imageSize: 4 * 1024 * 1024 * 1024,
    device: { path: '/dev/sdb', description: 'Generic SD card reader', size: 32_000_000_000, kind: 'drive' },
    hostname: 'fleet-001',
    provisioning: { mode: 'config', users: ['core'] },
    result: 'verified',
    writtenSha256: 'b'.repeat(64),
    durationMs: 61_500,
    ...overrides,
  };
}
