/**
 * Sizes as people read them on a card's label: decimal units (a "32 GB" card holds 32·10⁹ bytes),
 * so the number in a confirmation matches the one printed on the card.
 */
const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

export function formatSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return 'unknown size';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${Number(value.toFixed(digits))} ${units[unit]}`;
}
