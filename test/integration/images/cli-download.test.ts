/**
 * `fiot-flash download` and `fiot-flash cache` as a user runs them: real processes, a loopback
 * server that drops the connection, exit codes and --json lines. Two processes downloading the same
 * image at once share one transfer through the cache's lock files.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { randomImage, tempImages, type TempImages } from './setup';
import { jsonLines } from '../../helpers/cli-json';

const MiB = 1024 * 1024;
const bin = path.resolve(import.meta.dirname, '../../../bin/fiot-flash.mjs');
let server: ImageServer;
let temp: TempImages;

before(async () => {
  server = await startImageServer();
  temp = tempImages();
});
after(async () => {
  await server.close();
  temp.dispose();
});

interface Run {
  code: number;
  lines: Record<string, unknown>[];
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, FIOT_CACHE_DIR: temp.cacheDir, FIOT_CONFIG_DIR: temp.root },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stderr, lines: jsonLines(stdout) }));
  });
}

const resultOf = (run: Run) => run.lines.at(-1) as { type: string; ok: boolean; entry?: { sha256: string }; error?: { code: string }; entries?: unknown[] };

test('download resumes after a dropped connection, verifies, and a second run downloads nothing', async () => {
  const image = randomImage(3 * MiB);
  server.files.set('/Fedora-test.raw.xz', { body: image.body });
  server.faults.cutAfterBytes = { bytes: MiB, times: 1 };
  const url = server.url('/Fedora-test.raw.xz');
  const first = await cli(['download', url, '--sha256', image.sha256, '--json']);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(resultOf(first).ok, true);
  assert.equal(resultOf(first).entry!.sha256, image.sha256);
  assert.ok(first.lines.some((l) => l.type === 'progress' && l.phase === 'downloading'));
  assert.ok(server.requests.some((r) => r.path === '/Fedora-test.raw.xz' && r.status === 206), 'resumed with a Range request');
  const transfers = server.transfers('/Fedora-test.raw.xz').length;
  const second = await cli(['download', url, '--json']);
  assert.equal(second.code, 0);
  assert.equal(server.transfers('/Fedora-test.raw.xz').length, transfers, 'nothing downloaded the second time');
});

test('a wrong --sha256 exits 1 with CHECKSUM_MISMATCH and cache ls stays without it', async () => {
  const image = randomImage(MiB);
  server.files.set('/wrong.raw', { body: image.body });
  const run = await cli(['download', server.url('/wrong.raw'), '--sha256', 'ef'.repeat(32), '--json']);
  assert.equal(run.code, 1);
  assert.equal(resultOf(run).error!.code, 'CHECKSUM_MISMATCH');
  const ls = await cli(['cache', 'ls', '--json']);
  const entries = resultOf(ls).entries as { name: string }[];
  assert.ok(!entries.some((e) => e.name === 'wrong.raw'));
});

test('two processes downloading the same image at once: one transfer, both succeed', async () => {
  const image = randomImage(4 * MiB);
  server.files.set('/shared.raw', { body: image.body });
  server.faults.throttle = { bytes: 256 * 1024, ms: 30 };
  try {
    const url = server.url('/shared.raw');
    const [a, b] = await Promise.all([cli(['download', url, '--json']), cli(['download', url, '--json'])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(resultOf(a).entry!.sha256, image.sha256);
    assert.equal(resultOf(b).entry!.sha256, image.sha256);
    assert.equal(server.transfers('/shared.raw').length, 1);
  } finally {
    server.faults.throttle = undefined;
  }
});

test('cache rm and usage errors', async () => {
  const bad = await cli(['cache', 'frobnicate', '--json']);
  assert.equal(bad.code, 2);
  const missing = await cli(['cache', 'rm', 'no-such-image', '--json']);
  assert.equal(missing.code, 1);
  assert.equal(resultOf(missing).error!.code, 'NOT_FOUND');
  const rm = await cli(['cache', 'rm', 'shared.raw', '--json']);
  assert.equal(rm.code, 0);
  const ls = await cli(['cache', 'ls', '--json']);
  assert.ok(!(resultOf(ls).entries as { name: string }[]).some((e) => e.name === 'shared.raw'));
  const usage = await cli(['download', '--json']);
  assert.equal(usage.code, 2);
});
