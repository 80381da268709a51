/**
 * `fiot-flash bench <url>` of an image not cached yet, as a field tech runs it: the first card
 * inserted is written while the image downloads from a loopback server sending at a limited rate
 * (a Fedora-named `.raw.xz` in 1 MiB blocks, its CHECKSUM signed by a key in the config's keys
 * folder); stand-in cards are loop devices in FIOT_TEST_CARD_DIR.
 *
 * - With --json: the first card's events show it written while the download is incomplete (both
 *   pipes); it verifies and holds the image; the signature is reported once known; a second card
 *   inserted afterwards reads the cache (the server sees one download) and holds the image too.
 * - A download with one byte flipped: the card (which held a table) is left without one, the bench
 *   says in words that it stopped for the checksum, exits 1 with CHECKSUM_MISMATCH, and the cache
 *   holds nothing. A second card inserted while that download still arrives (its job waits for the
 *   same download) is not downloaded for again: the server sees one download, and the bench stops.
 * - A server that does not answer, an image missing on it, a catalog reference the catalog does not
 *   know: refused before the question and before any card is taken, in the download's own words.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeFixture, type Fixture } from '../../fixtures/fixture';
import { assertNoPartitionTable, cachedEntries } from '../../helpers/cache-copy';
import { assertCardHoldsImage } from '../../helpers/card-check';
import { jsonLines, type JsonLine } from '../../helpers/cli-json';
import { watchOutput } from '../../helpers/cli-session';
import { closedPort } from '../../helpers/connect-proxy';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { attachLoop, type LoopDevice } from '../../helpers/loop';
import { makeTestKey } from '../../helpers/pgp';
import { runCli } from '../../helpers/run-cli';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';
import { FEDORA_CHECKSUM, FEDORA_IMAGE } from '../images/setup';

const root = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(root, 'bin/fiot-flash.mjs');
const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'blkid', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'e2fsck', 'fsck.vfat', 'xz') ?? false;
const MiB = 1024 * 1024;
/** ~6 MB/s: the download takes a few seconds, slower than a loop device takes the bytes. */
const RATE = { bytes: 64 * 1024, ms: 10 };

interface CardEvent extends JsonLine {
  type: 'card';
  device: string;
  state: string;
  percent?: number;
  download?: { bytes: number; totalBytes: number | null; limitedBy: string };
}

describe('fiot-flash bench of an image not cached yet', { skip }, () => {
  let fixture: Fixture & { xzPath: string };
  let xz: Buffer;
  let sha256: string;
  let server: ImageServer;
  let dir: string;
  let keyArmored: string;
  const cards: LoopDevice[] = [];
  const children: ChildProcess[] = [];

  before(async () => {
    const key = await makeTestKey('Fedora (test)');
    keyArmored = key.publicArmored;
    const built = await makeFixture({ xz: 'osbuild', size: 128 * MiB, espMib: 32, bootMib: 32, rootFillMib: 16, seed: 23 });
    fixture = { ...built, xzPath: built.xzPath! };
    xz = readFileSync(fixture.xzPath);
    sha256 = createHash('sha256').update(xz).digest('hex');
    const flipped = Buffer.from(xz);
    flipped[Math.floor(flipped.length / 2)]! ^= 0x40;
    const checksum = Buffer.from(await key.clearSign(`SHA256 (${FEDORA_IMAGE}) = ${sha256}\n`));
    server = await startImageServer({
      [`/good/${FEDORA_IMAGE}`]: xz, [`/good/${FEDORA_CHECKSUM}`]: checksum,
      [`/damaged/${FEDORA_IMAGE}`]: flipped, [`/damaged/${FEDORA_CHECKSUM}`]: checksum,
      [`/damaged-twice/${FEDORA_IMAGE}`]: flipped, [`/damaged-twice/${FEDORA_CHECKSUM}`]: checksum,
    });
    server.faults.throttle = RATE;
    dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-cli-bench-streamed-'));
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const card of cards) card.detach();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh config (trusting the test key), cache and card folder. */
  function folders(name: string) {
    const base = path.join(dir, name);
    const cardDir = path.join(base, 'cards');
    mkdirSync(cardDir, { recursive: true });
    mkdirSync(path.join(base, 'config', 'keys'), { recursive: true });
    writeFileSync(path.join(base, 'config', 'keys', 'test.asc'), keyArmored);
    const cacheDir = path.join(base, 'cache');
    return { cardDir, cacheDir, env: { ...process.env, FIOT_CONFIG_DIR: path.join(base, 'config'), FIOT_CACHE_DIR: cacheDir, FIOT_TEST_CARD_DIR: cardDir } };
  }

  function startBench(url: string, env: NodeJS.ProcessEnv, extra: string[] = []) {
    const child = spawn(process.execPath, [bin, 'bench', url, '--yes', ...extra], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    const stderr = { text: '' };
    child.stderr!.on('data', (chunk: Buffer) => (stderr.text += chunk.toString()));
    return { child, stderr, ...watchOutput(child) };
  }

  /** A card inserted into a reader, big enough for the image (holding the image's own table when `oldTable`). */
  function insertCard(cardDir: string, name: string, oldTable = false): LoopDevice {
    const file = path.join(cardDir, `${name}.img`);
    const fd = openSync(file, 'w');
    ftruncateSync(fd, fixture.size + 8 * MiB);
    if (oldTable) writeSync(fd, readFileSync(fixture.path).subarray(0, MiB), 0, MiB, 0);
    closeSync(fd);
    const card = attachLoop(file);
    cards.push(card);
    return card;
  }

  it('writes the first card while the image downloads, then a second card from the cache', { timeout: 300_000 }, async () => {
    const { cardDir, cacheDir, env } = folders('good');
    const url = server.url(`/good/${FEDORA_IMAGE}`);
    const bench = startBench(url, env, ['--json']);
    const events = () => jsonLines(bench.output.text);
    const cardEvents = (card: LoopDevice) => events().filter((e): e is CardEvent => e.type === 'card' && e.device === card.device);
    await bench.seen(() => events().some((e) => e.type === 'session'), 'the session to start');
    assert.equal(server.downloads(`/good/${FEDORA_IMAGE}`).length, 0, 'nothing downloaded before a card is inserted');

    const first = insertCard(cardDir, 'first');
    await bench.seen(() => cardEvents(first).some((e) => e.state === 'done'), 'the first card verified', 180_000);
    const second = insertCard(cardDir, 'second');
    await bench.seen(() => cardEvents(second).some((e) => e.state === 'done'), 'the second card verified', 180_000);
    bench.child.kill('SIGINT');
    assert.equal(await bench.exited, 0, `${bench.output.text.slice(-3000)}\n${bench.stderr.text}`);

    // The first card was being written while the download was still incomplete: both pipes in one event.
    const streaming = cardEvents(first).filter((e) => e.state === 'writing' && (e.percent ?? 0) > 0 && e.download && e.download.totalBytes !== null && e.download.bytes < e.download.totalBytes);
    assert.ok(streaming.length > 0, `written while downloading: ${JSON.stringify(cardEvents(first))}`);
    const verification = events().find((e) => e.type === 'verification') as { sha256: string; verification: { signature?: { signer?: string } } } | undefined;
    assert.equal(verification?.sha256, sha256, 'the download is reported verified once known');
    assert.match(JSON.stringify(verification.verification), /Fedora \(test\)/, 'by the key that signed its CHECKSUM');
    assert.ok(cardEvents(second).every((e) => !e.download), 'the second card reads the cache');
    assert.equal(server.downloads(`/good/${FEDORA_IMAGE}`).length, 1, 'one download for both cards');
    const result = events().at(-1) as { type: string; ok: boolean; cards: unknown[] };
    assert.deepEqual([result.type, result.ok, result.cards.length], ['result', true, 2]);

    await assertCardHoldsImage(fixture, first.device);
    await assertCardHoldsImage(fixture, second.device);
    const entry = cachedEntries(cacheDir).find((e) => e.sha256 === sha256);
    assert.ok(entry?.file && entry.raw, 'the cache holds the .xz and its decompressed copy');
  });

  it('a download that fails its checksum leaves the card without a table, and the bench stops saying so', { timeout: 300_000 }, async () => {
    const { cardDir, cacheDir, env } = folders('damaged');
    const bench = startBench(server.url(`/damaged/${FEDORA_IMAGE}`), env);
    await bench.seen(() => /Card bench on \(batch \S+\)/.test(bench.output.text), 'the session to start');
    assert.match(bench.output.text, /is not in the image cache yet \([^)]+\): the first card is written while it downloads, and its partition table goes on once the download matched its checksum; the next cards read the cache\./);
    const card = insertCard(cardDir, 'damaged', true);
    const code = await bench.exited;
    assert.equal(code, 1, `${bench.output.text}\n${bench.stderr.text}`);
    assert.match(bench.stderr.text, /The download did not match its checksum: the card written as it arrived has no partition table, nothing was kept in the image cache, and the card bench stopped\./);
    assert.match(bench.stderr.text, /Error: .*sha256/);
    // Its line showed both pipes while it was written, as flash's progress line does.
    assert.ok(bench.linesOf(card.device).some((line) => / writing .*\(downloaded [\d.]+ [kMG]?B of [\d.]+ [kMG]?B, (waiting for the download|the card is the slower part)\)/.test(line)), bench.output.text);
    assert.ok(bench.linesOf(card.device).some((line) => line.includes('FAILED')), bench.output.text);
    assert.match(bench.output.text, /Card bench off: 0 cards written and verified, 1 not\./);
    assertNoPartitionTable(card.device, card.backingFile);
    assert.deepEqual(cachedEntries(cacheDir), [], 'nothing cached');
    const downloads = path.join(cacheDir, 'downloads');
    assert.deepEqual(existsSync(downloads) ? readdirSync(downloads).filter((f) => f.endsWith('.part')) : [], [], 'no partial download kept');
  });

  it('a download that fails its checksum while a second card’s job waits for it is not downloaded again for that card', { timeout: 300_000 }, async () => {
    const { cardDir, cacheDir, env } = folders('damaged-twice');
    const image = `/damaged-twice/${FEDORA_IMAGE}`;
    // Slower than the other tests: the second card's job must start while the download still arrives.
    server.faults.throttle = { bytes: 16 * 1024, ms: 10 };
    try {
      const bench = startBench(server.url(image), env);
      await bench.seen(() => /Card bench on \(batch \S+\)/.test(bench.output.text), 'the session to start');
      const first = insertCard(cardDir, 'twice-first');
      await bench.seen(() => bench.linesOf(first.device).some((line) => /\(downloaded [\d.]+ [kMG]?B of/.test(line)), 'the first card written as the image arrives');
      const second = insertCard(cardDir, 'twice-second');
      await bench.seen(() => bench.linesOf(second.device).length > 0, 'the second card taken');
      assert.equal(await bench.exited, 1, `${bench.output.text}\n${bench.stderr.text}`);
      assert.match(bench.stderr.text, /The download did not match its checksum: the card written as it arrived has no partition table, nothing was kept in the image cache, and the card bench stopped\./);
      assert.equal(server.downloads(image).length, 1, `one download, not one more for the second card:\n${bench.output.text}`);
      // The second card's line says why it was not written: the download it waited for failed, and was not made again.
      assert.ok(bench.linesOf(second.device).some((line) => /FAILED: .*was not downloaded again: the download this write waited for did not match its checksum\./.test(line)), bench.output.text);
      assert.match(bench.output.text, /Card bench off: 0 cards written and verified, 2 not\./);
      assertNoPartitionTable(first.device, first.backingFile);
      assertNoPartitionTable(second.device, second.backingFile);
      assert.deepEqual(cachedEntries(cacheDir), [], 'nothing cached');
    } finally {
      server.faults.throttle = RATE;
    }
  });

  it('a server that does not answer, an image it does not have, or an unknown catalog reference is refused before anything is asked', { timeout: 60_000 }, async () => {
    const port = await closedPort();
    const { env } = folders('refused');
    const unreachable = await runCli(['bench', `http://127.0.0.1:${port}/site-image.raw.xz`, '--yes'], env as Record<string, string>);
    assert.equal(unreachable.code, 1, unreachable.stderr);
    assert.match(unreachable.stderr, new RegExp(`127\\.0\\.0\\.1:${port} did not answer \\(ECONNREFUSED\\), so nothing was downloaded\\.`));
    const missing = await runCli(['bench', server.url('/nowhere/site-image.raw.xz'), '--yes'], env as Record<string, string>);
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /HTTP 404/);
    // A catalog reference the catalog does not know: the same words `download` says for it.
    const offline = { ...env, FIOT_RELEASES_URL: `http://127.0.0.1:${port}/releases.json`, FIOT_IOT_IMAGES_URL: `http://127.0.0.1:${port}/iot/`, FIOT_REGISTRY_REPOS: '' } as Record<string, string>;
    const unknown = await runCli(['bench', 'fedora-iot:99@rpi4', '--yes'], offline);
    const downloaded = await runCli(['download', 'fedora-iot:99@rpi4'], offline);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /fedora-iot 99 has no raw image for aarch64\./);
    assert.equal(unknown.stderr, downloaded.stderr);
    for (const run of [unreachable, missing, unknown]) assert.doesNotMatch(run.stdout, /Card bench on/);
  });
});
