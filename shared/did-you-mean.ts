/**
 * "Did you mean …?" for a mistyped command or flag: the nearest known name, when one is near
 * enough to be the likely intent. `--wifi-psk` finds `--wifi-psk-file` (a known name that starts
 * with what was typed); `--hostnmae` finds `--hostname` (two letters off).
 */

/**
 * Letters to add, drop, change or swap with a neighbour to turn a into b (optimal string alignment
 * distance): `falsh` is one swap from `flash`, as fingers type it.
 */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const above = rows[i - 1]!;
      let best = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      row[j] = best;
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/** The known name the typed one most likely meant, or null when none is close. */
export function closestName(typed: string, known: readonly string[]): string | null {
  const word = typed.toLowerCase();
  if (word.length === 0) return null;
  const extended = known.filter((name) => name.startsWith(word));
  if (extended.length === 1) return extended[0]!;
  // Within a third of the word's length (at least one letter): a typo, not a different word.
  const allowed = Math.max(1, Math.floor(word.length / 3));
  let best: string | null = null;
  let bestDistance = allowed + 1;
  for (const name of known) {
    const distance = editDistance(word, name);
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return best;
}
