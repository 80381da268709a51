/** One batch out of the history as CSV, JSON and a printable sheet: every card, escaped, never a secret. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchEntries, entriesFromFlash, exportBatch } from '../../../electron/core/history';
import type { FinishedFlash } from '../../../electron/core/history';
import { sampleEntry } from '../history/sample-entry';
import { latestBatch } from '../../../shared/domain/history';

const PASSWORD_HASH = '$6$batchsalt$' + 'y'.repeat(86);
const PSK = 'correct horse battery';

function finished(): FinishedFlash {
  const target = (device: string, hostname: string, state: 'done' | 'failed') => ({
    device, state, bytesWritten: 1, verified: state === 'done', hostname, tableRow: 1, tableLine: 2, label: '<b>shelf</b>', configSha256: 'c'.repeat(64),
    ...(state === 'failed' ? { error: { code: 'TARGET_COUNTERFEIT', message: `${device} is probably counterfeit or failing: it accepted about 100 MB of its claimed 4.29 GB.` } } : {}),
  });
  return {
    request: { source: '/img/iot.raw.xz', targets: ['/dev/loop1', '/dev/loop2'], provisioning: { hostname: 'pump-{n}', users: [{ name: 'core', passwordHash: PASSWORD_HASH }], wifi: { ssid: 'plant', psk: PSK } } },
    drives: [],
    result: { jobId: 'job-9', ok: false, source: '/img/iot.raw.xz', imageSize: 10, sourceSha256: 'a'.repeat(64), durationMs: 5, targets: [target('/dev/loop1', 'pump-1', 'done'), target('/dev/loop2', 'pump-2', 'failed')] },
  };
}

test('a card that failed keeps its table row and error in words, but not a hostname it never got', () => {
  const entries = entriesFromFlash(finished(), new Date('2026-12-01T10:00:00Z'), { '/dev/loop1': { model: 'loop device', serial: '/tmp/a.img' } });
  assert.deepEqual(entries.map((e) => [e.hostname, e.tableLine, e.configSha256 !== undefined, e.device.serial, e.error?.message]), [
    ['pump-1', 2, true, '/tmp/a.img', undefined],
    [undefined, 2, false, undefined, '/dev/loop2 is probably counterfeit or failing: it accepted about 100 MB of its claimed 4.29 GB.'],
  ]);
});

test('a hostile image hash from a history file is printed as text, not markup', () => {
  const [entry] = entriesFromFlash(finished(), new Date('2026-12-01T10:00:00Z'));
  const hostile = { ...entry!, source: { ...entry!.source, sha256: '<img src=x onerror=alert(1)>' } };
  const html = exportBatch([hostile], 'html').text;
  assert.ok(!html.includes('<img src=x'), 'no markup from the history');
  assert.match(html, /sha256 <code>&#60;img src=x onerror=alert\(1\)&#62;<\/code>/);
});

test('CSV, JSON and HTML of the newest batch: every card, the sheet escaped, no secret anywhere', () => {
  const older = sampleEntry({ jobId: 'job-1' });
  const entries = [...entriesFromFlash(finished(), new Date('2026-12-01T10:00:00Z')).reverse(), older];
  assert.deepEqual(batchEntries(entries).map((e) => e.card), [1, 2], 'the newest job, in card order');
  const csv = exportBatch(entries, 'csv');
  assert.equal(csv.fileName, 'fiot-batch-2026-12-01-job-9.csv');
  assert.equal(csv.text.trim().split('\r\n').length, 3);
  const json = JSON.parse(exportBatch(entries, 'json').text) as { jobId: string; cards: unknown[] };
  assert.equal(json.jobId, 'job-9');
  assert.equal(json.cards.length, 2);
  const html = exportBatch(entries, 'html').text;
  assert.match(html, /<td>&#60;b&#62;shelf&#60;\/b&#62;<\/td>/, 'user text is escaped, not markup');
  assert.match(html, /probably counterfeit or failing: it accepted about 100 MB/);
  assert.equal((html.match(/<tr class=/g) ?? []).length, 2, 'one line per device');
  for (const format of ['csv', 'json', 'html'] as const) {
    const text = exportBatch(entries, format).text;
    assert.ok(!text.includes('batchsalt') && !text.includes(PSK), `${format}: no password hash or Wi-Fi passphrase`);
  }
  const labels = exportBatch(entries, 'labels');
  assert.equal(labels.fileName, 'fiot-batch-2026-12-01-job-9-labels.html');
  assert.equal((labels.text.match(/<section class="label">/g) ?? []).length, 1, 'a label for the written card only, not the failed one');
  assert.match(labels.text, /@page\{size:62mm 29mm;margin:0\}/);
  assert.match(labels.text, /<div class="host">pump-1<\/div>.*row 1 \(line 2\) · &#60;b&#62;shelf&#60;\/b&#62;/, 'the row as everywhere: the device’s row, the file’s line in brackets');
  assert.match(html, /<td>1 \(line 2\)<\/td>/, 'the sheet’s Row column says the same');
  assert.throws(() => exportBatch(entries, 'csv', 'job-404'), { code: 'NOT_FOUND' });
  assert.equal(exportBatch(entries, 'csv', 'job-1').text.trim().split('\r\n').length, 2);
});

test('the latest batch is the newest card bench session, even with a card written by hand since; else the newest job', () => {
  const bench = (card: number, jobId: string) => sampleEntry({ jobId, batchId: 'session-7', card });
  const byHand = sampleEntry({ jobId: 'job-hand' });
  // Newest first: a card written by hand after the bench session, then the session's three cards (two jobs).
  const entries = [byHand, bench(3, 'job-b'), bench(2, 'job-a'), bench(1, 'job-a'), sampleEntry({ jobId: 'job-old', batchId: 'session-6' })];
  assert.equal(latestBatch(entries), 'session-7');
  assert.deepEqual(batchEntries(entries).map((e) => [e.batchId, e.card]), [['session-7', 1], ['session-7', 2], ['session-7', 3]], '--batch last: the session, in card order');
  assert.equal(latestBatch([byHand, sampleEntry({ jobId: 'job-older' })]), 'job-hand', 'no bench session: the newest job');
  assert.equal(latestBatch([]), undefined);
});
