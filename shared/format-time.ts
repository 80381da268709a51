/**
 * Moments as people read them, the same on every screen and paper (History, the batch sheet and
 * its print view, the catalog's age, earlier builds, the CLI): "2026-12-07 06:25 UTC". UTC and
 * year first, so a sheet printed by a station and the History read in a browser elsewhere agree,
 * whatever either's language or time zone.
 */
export function formatWhen(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
