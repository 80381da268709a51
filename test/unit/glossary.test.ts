/**
 * One name per thing: the glossary's lines (shared/glossary.ts), which the app shows where a term
 * is first met, are the very lines of docs/glossary.md and open the help of the commands named
 * after them; and the app's words no longer use the names they replaced.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { glossary } from '../../shared/glossary';
import { runCli } from '../helpers/run-cli';

const root = path.resolve(import.meta.dirname, '../..');

test('docs/glossary.md holds every term with the line the app shows', () => {
  const page = readFileSync(path.join(root, 'docs', 'glossary.md'), 'utf8');
  for (const { term, line } of Object.values(glossary)) {
    assert.ok(page.includes(`| ${term} | ${line} |`), `docs/glossary.md lacks the row of “${term}” as the app says it`);
  }
});

test('the help of station and bench opens with what a station and the card bench are', async () => {
  for (const [command, line] of [['station', glossary.station.line], ['bench', glossary.cardBench.line]] as const) {
    const { code, stdout } = await runCli([command, '--help'], {});
    assert.equal(code, 0);
    assert.ok(stdout.replace(/\s+/g, ' ').includes(line), `${command} --help: ${stdout.slice(0, 300)}`);
    // Folded for a terminal, as the rest of the help is: no line of its opening paragraph runs on past 100 columns.
    const opening = stdout.split('\n\n')[1] ?? '';
    assert.ok(opening.split('\n').every((row) => row.length <= 100), `${command} --help folds its opening paragraph:\n${opening}`);
  }
});

/** Every string the renderer shows or builds, read from its sources (comments left out). */
function rendererWords(): string {
  const files = readdirSync(path.join(root, 'renderer', 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f));
  return files.map((f) => readFileSync(path.join(root, 'renderer', 'src', f), 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '')).join('\n');
}

test('the app no longer says "station mode", "bench session", "profile" or "series" to a person', () => {
  // Quoted text and JSX text only: identifiers (profileStore, BenchSession) are the code's own names.
  const shown = rendererWords().match(/'[^'\n]*'|`[^`\n]*`|>[^<>{};=()]+</g) ?? [];
  // A test id such as profile-hostname is not a word: the names count only standing alone.
  const stale = shown.filter((words) => /station mode|bench session|(?<![\w-])(profile|series)(?![\w-])/i.test(words) && !/^'[\w./:-]*'$/.test(words));
  assert.deepEqual(stale, []);
});
