/**
 * Provisioned runs of a URL image not cached yet are written while it downloads too, as a user
 * runs them (`fiot-flash flash <url> --drive A --drive B --hostname … | --table … | --ignition …`),
 * from a loopback server at a limited rate onto loop devices, the fixture compressed as osbuild
 * does. What the core checks of a local image before writing is checked of the written image,
 * before any card is provisioned or gets its partition table.
 *
 * - `--hostname fleet-{n:03}` onto two cards: both written while the download was incomplete, both
 *   verified, each with its own /ignition/config.ign (0600, root's) in a clean `boot` (debugfs,
 *   e2fsck) and its partition table.
 * - `--table` with two rows onto two cards: each card gets its row's hostname.
 * - `--ignition FILE` with a download that is not the one its checksum names: exit 1,
 *   CHECKSUM_MISMATCH, no partition table, and no config in the card's `boot`.
 * - Two jobs of the image at once, sharing one image cache (as the card bench starts a job for a
 *   card inserted while another is written): one download; the second job waits for it, then
 *   writes from the cached file; both cards verified and provisioned.
 * - An image that cannot take the provisioning (`--zezere-url` on an image without
 *   zezere-ignition, known once the root filesystem is written; an `--ignition` config larger than
 *   `boot`, known from its superblock) or does not fit the board (`--board uefi-x86_64` for an
 *   aarch64 image, known from its ESP): exit 1 with the refusal in words saying the card has no
 *   partition table, and it has none; a refusal the first pieces of the image settle stops the
 *   download before its end.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fromDataUrl } from '../../../shared/provisioning';
import type { Fixture } from '../../fixtures/fixture';
import { debugfs, fsckPartition, statMode } from '../../helpers/boot-partition';
import { assertNoPartitionTable } from '../../helpers/cache-copy';
import { readRange } from '../../helpers/card-check';
import { resultLine } from '../../helpers/cli-json';
import { progressLines, whileDownloading, writtenIn, type StreamedProgress } from '../../helpers/streamed-progress';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { createLoopDisk } from '../../helpers/loop';
import { provisionFixture } from '../../helpers/provision-fixture';
import { runCli } from '../../helpers/run-cli';
import { ED25519_KEY } from '../../helpers/ssh-keys';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';
import { tempImages, type TempImages } from './setup';

const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'blkid', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'e2fsck', 'debugfs', 'xz') ?? false;
const MiB = 1024 * 1024;
const IMAGE = '/Fedora-IoT-provisioned.raw.xz';
/** ~6 MB/s: the download takes a few seconds, slower than the loop devices take the bytes. */
const RATE = { bytes: 64 * 1024, ms: 10 };
/** ~1.6 MB/s: slow enough that a refusal from the image's first pieces comes well before the download's end. */
const SLOW = { bytes: 16 * 1024, ms: 10 };

type LoopDisk = ReturnType<typeof createLoopDisk>;

interface Result {
  ok: boolean;
  decoder?: string;
  error?: { code: string; message: string };
  targets: Array<{ device: string; verified: boolean; hostname?: string; state: string }>;
}

let fixture: Fixture & { xzPath: string };
let sha256: string;
let xzBytes: number;
let server: ImageServer;
let dir: string;
const temps: TempImages[] = [];

before(async () => {
  if (skip) return;
  const built = await provisionFixture({ layout: 'mbr', xz: 'osbuild' });
  fixture = { ...built, xzPath: built.xzPath! };
  const xz = readFileSync(fixture.xzPath);
  sha256 = createHash('sha256').update(xz).digest('hex');
  xzBytes = xz.length;
  server = await startImageServer({ [IMAGE]: xz });
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-stream-provision-'));
});
after(async () => {
  await server?.close();
  for (const temp of temps) temp.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function newCards(count: number): LoopDisk[] {
  return Array.from({ length: count }, () => createLoopDisk(fixture.size + 8 * MiB, 'fiot-stream-prov-'));
}

/** A card that looks finished before the run: the image's own partition table at its head. */
function withOldTable(card: LoopDisk): LoopDisk {
  writeFileSync(card.backingFile, readRange(fixture.path, 0, MiB), { flag: 'r+' });
  return card;
}

function freshFolders(): TempImages {
  const temp = tempImages();
  temps.push(temp);
  return temp;
}

/** A fresh cache and config folder per run (unless given), so the image is never cached yet and no series carries over. */
async function flash(cards: LoopDisk[], extra: string[], expected = sha256, temp = freshFolders()) {
  const args = ['flash', server.url(IMAGE), ...cards.flatMap((card) => ['--drive', card.device]), '--sha256', expected, '--yes', '--json', ...extra];
  const run = await runCli(args, { FIOT_CACHE_DIR: temp.cacheDir, FIOT_CONFIG_DIR: temp.root });
  return { ...run, progress: progressLines(run.stdout), result: resultLine<Result>(run.stdout) };
}

function boot() {
  return fixture.partitions.find((p) => p.label === 'boot')!;
}

function hostnameIn(configText: string): string {
  const config = JSON.parse(configText) as { storage: { files: Array<{ path: string; contents: { source: string } }> } };
  return (fromDataUrl(config.storage.files.find((f) => f.path === '/etc/hostname')!.contents.source) ?? '').trim();
}

/** The card a person takes out: a partition table sfdisk reads, its config in a clean `boot`, 0600 and root's. */
function assertProvisionedCard(card: LoopDisk, hostname: string): void {
  const sfdisk = JSON.parse(execFileSync('sfdisk', ['--json', card.device], { encoding: 'utf8' })) as { partitiontable: { partitions: unknown[] } };
  assert.equal(sfdisk.partitiontable.partitions.length, fixture.partitions.length, 'the partition table is on the card');
  const text = debugfs(card.device, boot(), 'cat /ignition/config.ign');
  assert.equal(hostnameIn(text), hostname);
  assert.deepEqual(statMode(card.device, boot(), '/ignition/config.ign'), { type: 'regular', mode: '0600', user: '0' });
  assert.equal(fsckPartition(card.device, boot()).status, 0, 'boot is clean');
}

/** Bytes reached the cards while the download was still incomplete. */
function assertWrittenWhileDownloading(run: { progress: StreamedProgress[]; result: Result }): void {
  assert.match(run.result.decoder ?? '', /while downloading/, JSON.stringify(run.result));
  assert.ok(writtenIn(whileDownloading(run.progress)), 'written while downloading');
}

/** The card's `boot` holds no Ignition config (debugfs finds no such file). */
function assertNoConfig(card: LoopDisk): void {
  assert.doesNotMatch(debugfs(card.device, boot(), 'ls -l /'), /\signition\s*$/m, 'no /ignition folder in boot');
}

describe('provisioned flashes of an image not cached yet, written while it downloads', { skip }, () => {
  /** One run onto two cards at the download's pace: both written while it downloads, verified, each with its own name. */
  async function twoProvisionedCards(extra: string[], names: [string, string]): Promise<void> {
    server.faults.throttle = RATE;
    const cards = newCards(2);
    try {
      const run = await flash(cards, [...extra, '--user', 'core', '--ssh-key', ED25519_KEY]);
      assert.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(run.result)}`);
      assertWrittenWhileDownloading(run);
      assert.deepEqual(run.result.targets.map((t) => [t.hostname, t.verified]), names.map((name) => [name, true]));
      cards.forEach((card, i) => assertProvisionedCard(card, names[i]!));
    } finally {
      server.faults.throttle = undefined;
      for (const card of cards) card.dispose();
    }
  }

  it('--hostname onto two cards: each verified, with its own config in a clean boot and its partition table', { timeout: 300_000 }, async () => {
    await twoProvisionedCards(['--hostname', 'fleet-{n:03}'], ['fleet-001', 'fleet-002']);
  });

  it('--table onto two cards: each card gets its row', { timeout: 300_000 }, async () => {
    const table = path.join(dir, 'sites.csv');
    writeFileSync(table, 'hostname,label\npump-north,Shelf 1\npump-south,Shelf 2\n');
    await twoProvisionedCards(['--table', table], ['pump-north', 'pump-south']);
  });

  it('two jobs of the image at once over one image cache: one download, both cards verified with their own config', { timeout: 300_000 }, async () => {
    server.faults.throttle = RATE;
    const cards = newCards(2);
    const shared = freshFolders();
    const before = server.downloads(IMAGE).length;
    try {
      const runs = await Promise.all(cards.map((card, i) => flash([card], ['--hostname', `bench-${i + 1}`, '--user', 'core', '--ssh-key', ED25519_KEY], sha256, { ...shared, root: freshFolders().root })));
      for (const run of runs) assert.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(run.result)}`);
      assert.equal(server.downloads(IMAGE).length - before, 1, 'the image was downloaded once');
      assertProvisionedCard(cards[0]!, 'bench-1');
      assertProvisionedCard(cards[1]!, 'bench-2');
    } finally {
      server.faults.throttle = undefined;
      for (const card of cards) card.dispose();
    }
  });

  it('--ignition with a download that is not the one its checksum names: CHECKSUM_MISMATCH, no table, no config on the card', { timeout: 300_000 }, async () => {
    // Slower than the others: the card's discard and set-up, on a busy machine, must end before the download does.
    server.faults.throttle = { bytes: 32 * 1024, ms: 10 };
    const [card] = newCards(1).map(withOldTable);
    const config = path.join(dir, 'site.ign');
    writeFileSync(config, JSON.stringify({ ignition: { version: '3.3.0' }, storage: { files: [{ path: '/etc/hostname', mode: 420, contents: { source: 'data:,never-here%0A' } }] } }));
    try {
      // Every block decodes: the body is written and verified, then only the whole file's sha256 tells.
      const run = await flash([card!], ['--ignition', config], 'ab'.repeat(32));
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.result.error?.code, 'CHECKSUM_MISMATCH', JSON.stringify(run.result));
      assertWrittenWhileDownloading(run);
      assertNoPartitionTable(card!.device, card!.backingFile);
      assertNoConfig(card!);
      assert.equal(fsckPartition(card!.device, boot()).status, 0, 'the image’s own boot is on the card, untouched');
    } finally {
      server.faults.throttle = undefined;
      card!.dispose();
    }
  });

  it('an image without zezere-ignition, asked for Zezere: refused once written, in words, every card without a table', { timeout: 300_000 }, async () => {
    const cards = newCards(2).map(withOldTable);
    try {
      const run = await flash(cards, ['--zezere-url', 'https://zezere.example/']);
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.result.error?.code, 'ZEZERE_UNSUPPORTED', JSON.stringify(run.result));
      assert.match(run.result.error?.message ?? '', /does not contain zezere-ignition.*without a partition table/);
      assert.deepEqual(run.result.targets.map((t) => t.state), ['failed', 'failed']);
      for (const card of cards) assertNoPartitionTable(card.device, card.backingFile);
    } finally {
      for (const card of cards) card.dispose();
    }
  });

  /** The transfer of the image the last run made stopped before the file's end: refused while it downloaded. */
  function assertStoppedEarly(before: number): void {
    const transfer = server.downloads(IMAGE).filter((r) => server.requests.indexOf(r) >= before).at(-1);
    assert.ok(transfer, 'the download had started');
    assert.ok(transfer.bytesSent < xzBytes, `the download stopped at ${transfer.bytesSent} of ${xzBytes} bytes`);
  }

  it('an aarch64 image from a URL for a PC board: IMAGE_BOARD_MISMATCH as soon as its ESP arrived, the download stopped, the card without a table', { timeout: 300_000 }, async () => {
    server.faults.throttle = SLOW;
    const [card] = newCards(1).map(withOldTable);
    const before = server.requests.length;
    try {
      const run = await flash([card!], ['--board', 'uefi-x86_64']);
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.result.error?.code, 'IMAGE_BOARD_MISMATCH', JSON.stringify(run.result));
      assert.match(run.result.error?.message ?? '', /64-bit Arm boards.*without a partition table/);
      assertStoppedEarly(before);
      assertNoPartitionTable(card!.device, card!.backingFile);
    } finally {
      server.faults.throttle = undefined;
      card!.dispose();
    }
  });

  it('an --ignition config larger than boot can hold: CONFIG_TOO_LARGE as soon as boot’s superblock arrived, in words, the card without a table', { timeout: 300_000 }, async () => {
    server.faults.throttle = SLOW;
    const [card] = newCards(1).map(withOldTable);
    const big = path.join(dir, 'big.ign');
    // A data: URL carries the file in the config itself: 60 MB of it would have to land in a 48 MiB boot.
    writeFileSync(big, JSON.stringify({ ignition: { version: '3.3.0' }, storage: { files: [{ path: '/var/lib/big', contents: { source: `data:,${'A'.repeat(60e6)}` } }] } }));
    const before = server.requests.length;
    try {
      const run = await flash([card!], ['--hostname', 'probe-1', '--ignition', big]);
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.result.error?.code, 'CONFIG_TOO_LARGE', JSON.stringify(run.result));
      assert.match(run.result.error?.message ?? '', /^The Ignition config is 60(\.\d)? MB; the image’s “boot” partition has [\d.]+ MB free, so it cannot hold it\. The card was being written while the image downloaded: it was left without a partition table/);
      assertStoppedEarly(before);
      assertNoPartitionTable(card!.device, card!.backingFile);
    } finally {
      server.faults.throttle = undefined;
      card!.dispose();
    }
  });
});
