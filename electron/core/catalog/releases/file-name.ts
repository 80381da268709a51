/**
 * Fedora IoT raw image file names, both forms Fedora has used:
 *   Fedora-IoT-raw-42-20250414.0.aarch64.raw.xz   (since about Fedora 40)
 *   Fedora-IoT-38-20230414.0.x86_64.raw.xz         (earlier releases)
 * Nightly (Rawhide) composes carry `.n.` before the respin number: Fedora-IoT-raw-Rawhide-20251101.n.0...
 */
import { archSchema, type Arch } from '../../../../shared/domain/board';

export interface IotFileName {
  fileName: string;
  /** `42`, or `rawhide` for nightly composes. */
  version: string;
  arch: Arch;
  /** The compose id as Fedora writes it, e.g. `20250414.0` or `20251101.n.0`. */
  compose: string;
  /** ISO date of the compose (YYYY-MM-DD). */
  date: string;
  nightly: boolean;
}

const pattern = /^Fedora-IoT-(?:raw-)?([A-Za-z0-9_]+)-(\d{4})(\d{2})(\d{2})\.(n\.)?(\d+)\.([a-z0-9_]+)\.raw\.xz$/;

/** The parts of an IoT raw image file name, or null when the name is not one (ISOs, other variants). */
export function parseIotFileName(fileName: string): IotFileName | null {
  const match = pattern.exec(fileName);
  if (!match) return null;
  const [, version = '', year, month, day, nightly, respin, archName = ''] = match;
  const arch = archSchema.safeParse(archName);
  if (!arch.success) return null;
  return {
    fileName,
    version: version.toLowerCase(),
    arch: arch.data,
    compose: `${year}${month}${day}.${nightly ?? ''}${respin}`,
    date: `${year}-${month}-${day}`,
    nightly: Boolean(nightly),
  };
}

/** The last path segment of a URL or path. */
export function baseName(link: string): string {
  const clean = link.split(/[?#]/)[0] ?? '';
  return decodeURIComponent(clean.slice(clean.lastIndexOf('/') + 1));
}
