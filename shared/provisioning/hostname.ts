/**
 * Hostnames and the per-card counter pattern: `sensor-{n}` or `sensor-{n:03}` (zero-padded to
 * three digits). Field techs provision a batch with one profile, so each card's name comes from
 * the pattern and its position in the run.
 */
import { problem, type Problem } from './problem';

const COUNTER = /\{n(?::0?(\d+))?\}/g;
const ANY_BRACE = /[{}]/;
/** Linux's HOST_NAME_MAX; longer names are cut by the kernel. */
const MAX_HOSTNAME = 64;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function hasCounter(pattern: string): boolean {
  return new RegExp(COUNTER.source).test(pattern);
}

/** The hostname a card gets: `{n}` becomes `n`, `{n:03}` becomes `n` padded with zeros to 3 digits. */
export function expandHostname(pattern: string, n: number): string {
  return pattern.replace(COUNTER, (_match, width: string | undefined) =>
    width ? String(n).padStart(Number(width), '0') : String(n),
  );
}

/** The names the next `count` cards will get, starting at counter value `start`. */
export function previewHostnames(pattern: string, start: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => expandHostname(pattern, start + i));
}

/** RFC 1123 host name rules (dot-separated labels of letters, digits and inner hyphens). */
export function hostnameProblems(name: string, field = 'hostname'): Problem[] {
  if (name.length === 0) return [problem(field, 'is empty')];
  if (name.length > MAX_HOSTNAME) return [problem(field, `“${name}” is ${name.length} characters; at most ${MAX_HOSTNAME} are allowed`)];
  for (const label of name.split('.')) {
    if (label.length === 0) return [problem(field, `“${name}” has an empty part between dots`)];
    if (label.length > 63) return [problem(field, `“${label}” is longer than 63 characters`)];
    if (!LABEL.test(label)) {
      return [problem(field, `“${name}” may contain only letters, digits and hyphens (not at the start or end of a part)`)];
    }
  }
  return [];
}

/** Checks a pattern by checking what it expands to, and catches braces that are not a counter. */
export function hostnamePatternProblems(pattern: string, field = 'hostname', sampleN = 1): Problem[] {
  const leftover = pattern.replace(COUNTER, '');
  if (ANY_BRACE.test(leftover)) {
    return [problem(field, `“${pattern}” has braces that are not a counter; use {n} or {n:03}`)];
  }
  return hostnameProblems(expandHostname(pattern, sampleN), field);
}
