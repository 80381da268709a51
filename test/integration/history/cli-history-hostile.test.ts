/**
 * A history file is data another process (or person) may have written: `fiot-flash history`
 * reads it with the schema and prints what it keeps escaped for where it lands. A line whose
 * sha256 is markup never reaches the printed batch sheet; a cell a spreadsheet with `;` as its
 * list separator would split never starts a formula in any piece.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HistoryEntry } from '../../../shared/domain/history';
import { resultLine } from '../../helpers/cli-json';
import { runCli } from '../../helpers/run-cli';

const MARKUP = '<img src=x onerror=alert(document.domain)>';

function entry(card: number, overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    time: '2026-12-06T08:00:00.000Z',
    jobId: 'job-hostile',
    card,
    source: { given: '/images/x;=1+2.raw', sha256: 'a'.repeat(64) },
    imageSize: 64 * 1024 * 1024,
    device: { path: `/dev/loop${card}`, kind: 'loop' },
    hostname: `sensor-${card}`,
    label: 'x;=1+2',
    provisioning: { mode: 'config', users: ['core'] },
    result: 'verified',
    durationMs: 1000,
    ...overrides,
  };
}

/** Splits a CSV line at `separator` the way a spreadsheet does (quotes honoured), or naively. */
function cells(line: string, separator: string, honourQuotes: boolean): string[] {
  if (!honourQuotes) return line.split(separator);
  const found: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === separator && !quoted) {
      found.push(field);
      field = '';
    } else field += c;
  }
  return [...found, field];
}

describe('fiot-flash history with a hostile history file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-history-hostile-'));
  const configDir = path.join(dir, 'config');
  const historyFile = path.join(configDir, 'history.jsonl');
  const env = { FIOT_CONFIG_DIR: configDir, FIOT_CACHE_DIR: path.join(dir, 'cache') };
  let planted: string;

  before(() => {
    mkdirSync(configDir, { mode: 0o700 });
    const markupLine = { ...entry(2), source: { given: '/images/x.raw', sha256: MARKUP } };
    const markupWritten = { ...entry(3), writtenSha256: `${'b'.repeat(60)}<b>` };
    planted = [entry(1), markupLine, markupWritten].map((line) => JSON.stringify(line)).join('\n') + '\n';
    writeFileSync(historyFile, planted, { mode: 0o600 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps only the line whose checksums are checksums, and the batch sheet carries no markup', async () => {
    const listed = await runCli(['history', '--json'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const entries = resultLine(listed.stdout).entries as HistoryEntry[];
    assert.deepEqual(entries.map((e) => e.card), [1], 'the lines with markup in a sha256 are not read as history');

    const sheet = await runCli(['history', '--batch', 'last', '--html'], env);
    assert.equal(sheet.code, 0, sheet.stderr);
    assert.doesNotMatch(sheet.stdout, /<img|<b>|onerror/i);
    assert.match(sheet.stdout, new RegExp(`sha256 <code>${'a'.repeat(64)}</code>`));
    assert.equal(readFileSync(historyFile, 'utf8'), planted, 'reading never rewrites the history');
  });

  it('no CSV cell starts a formula, whether a spreadsheet splits at commas or at semicolons', async () => {
    for (const args of [['history', '--csv'], ['history', '--batch', 'last', '--csv']]) {
      const run = await runCli(args, env);
      assert.equal(run.code, 0, run.stderr);
      const row = run.stdout.split('\r\n')[1]!;
      assert.match(row, /x;'=1\+2/, `the label is there, its formula piece guarded: ${row}`);
      for (const [separator, honourQuotes] of [[',', true], [';', true], [';', false]] as const) {
        for (const cell of cells(row, separator, honourQuotes)) {
          assert.doesNotMatch(cell.replace(/^"/, ''), /^\s*[=+@-]/, `${args.join(' ')}, split at “${separator}”${honourQuotes ? '' : ' ignoring quotes'}: ${cell}`);
        }
      }
    }
  });
});
