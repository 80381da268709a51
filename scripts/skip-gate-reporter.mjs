// A node:test reporter for the skip gate: one JSON line per skipped test (file, name, reason, and
// its kind by the tag test/helpers/skip.ts put on it), which scripts/run-tests.mjs judges once the
// run is over. Plain JavaScript: node loads reporters before tsx's loader is in place.
import { readFileSync } from 'node:fs';

const tags = JSON.parse(readFileSync(new URL('../test/helpers/skip-tags.json', import.meta.url), 'utf8'));

/** 'ci-provides', 'optional', or 'untagged' for a reason no helper made. */
function skipKind(reason) {
  return Object.keys(tags).find((kind) => reason.endsWith(tags[kind])) ?? 'untagged';
}

export default async function* skipGateReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { skip, file, name } = event.data;
    if (skip === undefined || skip === false) continue;
    const reason = typeof skip === 'string' ? skip : '';
    yield `${JSON.stringify({ file, name, reason, kind: skipKind(reason) })}\n`;
  }
}
