/**
 * A device table's problems as a person reads them: one problem repeated on many lines (a
 * spreadsheet's whole ip column, say) is one item naming the lines, not a dozen identical ones.
 * The app lists these under the table; the command line prints them as its one error.
 */
import type { Problem } from './problem';

/** `[2, 3, 4, 5, 9]` as "2–5, 9": consecutive lines as one range. */
export function lineRanges(lines: number[]): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!;
    while (sorted[i + 1] === sorted[i]! + 1) i++;
    const end = sorted[i]!;
    ranges.push(end === start ? `${start}` : end === start + 1 ? `${start}, ${end}` : `${start}–${end}`);
  }
  return ranges.join(', ');
}

/** "Line 4" or "Lines 2–13". */
export function linesWord(lines: number[]): string {
  return `${lines.length === 1 ? 'Line' : 'Lines'} ${lineRanges(lines)}`;
}

/** Each distinct problem once, with the lines it is on ("Lines 2–13, column 2 (ip): …"). */
export function groupTableProblems(problems: Problem[]): string[] {
  const groups = new Map<string, number[]>();
  const loose: string[] = [];
  for (const { message } of problems) {
    const match = /^table: line (\d+)(.*)$/s.exec(message);
    if (!match) {
      loose.push(message.replace(/^table: /, ''));
      continue;
    }
    const rest = match[2]!;
    groups.set(rest, [...(groups.get(rest) ?? []), Number(match[1])]);
  }
  return [...loose, ...[...groups].map(([rest, lines]) => `${linesWord(lines)}${rest}`)];
}
