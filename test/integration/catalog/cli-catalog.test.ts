/**
 * The "done when": `fiot-flash catalog --json` lists both bootc variants with their tags and
 * architectures from a loopback registry and the IoT raw images from a loopback index, and still
 * answers with the sources down. Runs the real command line as a user would.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { bootcLabels, pushImage, registrySkipReason, startRegistry, type LoopbackRegistry } from '../../helpers/oci-registry';
import { startRouteServer, type RouteServer } from '../../helpers/route-server';
import { sendFile } from '../../helpers/image-server';
import { fedoraRoutes } from './fixtures';
import { closedPort } from '../../helpers/connect-proxy';
import { resultLine } from '../../helpers/cli-json';
import { commandsSkipReason } from '../../helpers/system';

const skip = registrySkipReason() ?? commandsSkipReason('xz');
/** The one image file the mirror serves (5 MB once decompressed); the others answer 404. */
const servedImage = '/iot/43/IoT/aarch64/images/Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz';
const servedImageSize = 5_000_000;
const root = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(root, 'bin', 'fiot-flash.mjs');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface Entry {
  kind: string;
  variant: string;
  version: string;
  architectures: string[];
  url?: string;
  imageSize?: number | null;
  reference?: string;
  delivery?: string;
}

async function cli(args: string[], env: Record<string, string>): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, timeout: 60000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function resultOf(run: Run): { ok: boolean; entries: Entry[]; origin: string; notices: string[]; sources: { id: string; state: string }[] } {
  return resultLine(run.stdout);
}

const tagsOf = (entries: Entry[], variant: string) =>
  entries.filter((e) => e.kind === 'bootc-container' && e.variant === variant).map((e) => `${e.version}:${e.architectures.join(',')}`);

describe('fiot-flash catalog against loopback sources', { skip: skip ?? false }, () => {
  let registry: LoopbackRegistry;
  let fedora: RouteServer;
  const dirs: string[] = [];
  let env: Record<string, string>;
  let servedBytes = 0;

  const freshDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-cli-catalog-'));
    dirs.push(dir);
    return dir;
  };

  before(async () => {
    registry = await startRegistry();
    for (const tag of ['42', '43']) pushImage(registry.host, 'fedora/fedora-iot', tag, { architectures: ['arm64', 'amd64'], labels: bootcLabels(tag), created: '2025-11-01T00:00:00Z' });
    for (const tag of ['43', 'rawhide']) pushImage(registry.host, 'fedora/fedora-bootc', tag, { architectures: ['arm64', 'amd64', 's390x'], labels: bootcLabels(tag), created: '2025-11-03T00:00:00Z' });
    fedora = await startRouteServer(() => undefined);
    const routes = fedoraRoutes(() => fedora);
    const packed = execFileSync('xz', ['-0', '-T2', '--block-size=1MiB', '-c'], { input: Buffer.alloc(servedImageSize) });
    servedBytes = packed.length;
    fedora.route = (req, res, url) => (url.pathname === servedImage ? sendFile(req, res, packed) : routes(req, res, url));
    const dir = freshDir();
    env = {
      FIOT_CONFIG_DIR: dir,
      FIOT_CACHE_DIR: dir,
      FIOT_RELEASES_URL: `${fedora.base}/releases.json`,
      FIOT_IOT_IMAGES_URL: `${fedora.base}/iot/`,
      FIOT_REGISTRY_REPOS: `${registry.host}/fedora/fedora-iot,${registry.host}/fedora/fedora-bootc`,
      FIOT_INSECURE_REGISTRIES: registry.host,
    };
  });

  after(async () => {
    await fedora?.close();
    await registry?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('lists both bootc variants with tags and architectures, and the raw images from the index', async () => {
    const run = await cli(['catalog', '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    const result = resultOf(run);
    assert.equal(result.ok, true);
    assert.equal(result.origin, 'live');
    assert.deepEqual(tagsOf(result.entries, 'fedora-iot'), ['43:aarch64,x86_64', '42:aarch64,x86_64']);
    assert.deepEqual(tagsOf(result.entries, 'fedora-bootc'), ['43:aarch64,x86_64', 'rawhide:aarch64,x86_64']);
    const raw = result.entries.filter((e) => e.kind === 'raw-image');
    assert.ok(raw.length >= 4 && raw.every((e) => e.url?.startsWith(`${fedora.base}/iot/`)), JSON.stringify(raw));
    // The size on the card, read from the one image the mirror serves; unknown (null) for the others.
    assert.deepEqual(raw.map((e) => e.imageSize), raw.map((e) => (e.url?.endsWith(servedImage) ? servedImageSize : null)));
    assert.ok(raw.some((e) => e.imageSize === servedImageSize));
    assert.deepEqual(result.sources.map((s) => s.state), ['ok', 'ok', 'ok', 'ok']);
    assert.deepEqual(result.notices, []);
  });

  it("takes a person's own mirror (FIOT_IOT_IMAGES_URL) for the images it lists, even while Fedora's release index cannot be reached", async () => {
    const mirrorOnly = { ...env, FIOT_CACHE_DIR: freshDir(), FIOT_RELEASES_URL: `http://127.0.0.1:${await closedPort()}/releases.json`, FIOT_REGISTRY_REPOS: '' };
    const run = await cli(['catalog', '--json'], mirrorOnly);
    assert.equal(run.code, 0, run.stderr);
    const raw = resultOf(run).entries.filter((e) => e.kind === 'raw-image');
    // The release the snapshot also knows, found in the mirror's CHECKSUM: fetched from the mirror, not Fedora's servers.
    const served = raw.find((e) => e.url?.endsWith(path.basename(servedImage)));
    assert.equal(served?.url, `${fedora.base}${servedImage}`);
    // As in the next test, the stand-in CHECKSUM fails the check after the download: what matters is where the bytes came from.
    const download = await cli(['download', 'fedora-iot:43@rpi4', '--insecure-skip-signature', '--json'], mirrorOnly);
    const fetched = download.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { phase?: string; bytes?: number; url?: string });
    assert.ok(fetched.some((l) => l.phase === 'downloading' && l.bytes === servedBytes), download.stdout);
  });

  it('filters by board, with the delivery for each entry', async () => {
    const run = await cli(['catalog', '--board', 'uefi-x86_64', '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    const { entries } = resultOf(run);
    assert.ok(entries.length > 0 && entries.every((e) => e.architectures.includes('x86_64')));
    assert.equal(entries[0]?.kind, 'raw-image', 'newest stable raw image first');
    assert.ok(entries.filter((e) => e.kind === 'bootc-container').every((e) => e.delivery === 'bootc-built-raw'));
  });

  it('prints a readable table for people: the reference flash takes, and how each entry gets there in words', async () => {
    const run = await cli(['catalog', '--board', 'rpi4', '--offline'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /BOARD\s+USE\s+KIND\s+VERSION\s+ARCH\s+DATE\s+SIZE\s+ON CARD\s+HOW/);
    assert.match(run.stdout, /rpi4\s+fedora-iot:43@rpi4\s+disk image\s+43\s+aarch64\s+2025-10-24\s+812 MB\s+5 MB\s+ready-made image\n/);
    assert.match(run.stdout, new RegExp(`rpi4\\s+${registry.host}/fedora/fedora-iot:43\\s+container\\s+43\\s+aarch64,x86_64\\s+2025-11-01\\s+\\S+ \\S+\\s+-\\s+ready-made image, switches at first boot`));
    assert.match(run.stdout, /enable_uart=1/);
    assert.doesNotMatch(run.stdout, /published-raw|bootc-switch|bootc-built-raw/, 'no internal delivery ids');
    assert.doesNotMatch(run.stdout, /x86_64\s+\d{4}-\d{2}-\d{2}\s+\S+ \S+\s+(-|\S+ \S+)\s+ready-made image\n/);
  });

  it('the reference the table shows is one flash takes: it downloads that very image', async () => {
    const table = await cli(['catalog', '--board', 'rpi4', '--offline'], env);
    const reference = /rpi4\s+(\S+@rpi4)\s+disk image\s+43\s/.exec(table.stdout)?.[1];
    assert.equal(reference, 'fedora-iot:43@rpi4', table.stdout);
    // The mirror's CHECKSUM file is a stand-in that lists another hash, so the check fails after the
    // download: what matters here is that the reference led to the one image the mirror serves.
    const run = await cli(['download', reference, '--insecure-skip-signature', '--json'], env);
    const fetched = run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { phase?: string; bytes?: number });
    assert.ok(fetched.some((l) => l.phase === 'downloading' && l.bytes === servedBytes), run.stdout);
    assert.match(run.stdout, /Fedora-IoT-raw-43-20251024\.0\.aarch64\.raw\.xz/);
  });

  it('refuses an unknown board as a usage error', async () => {
    const run = await cli(['catalog', '--board', 'commodore64', '--json'], env);
    assert.equal(run.code, 2);
    const result = JSON.parse(run.stdout.trim());
    assert.equal(result.ok, false);
    assert.match(result.error.hint, /rpi4/);
  });

  it('still answers with every source down: from the cache, with quiet notices', async () => {
    await fedora.close();
    await registry.stop();
    const run = await cli(['catalog', '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    const result = resultOf(run);
    assert.equal(result.ok, true);
    assert.deepEqual(tagsOf(result.entries, 'fedora-iot'), ['43:aarch64,x86_64', '42:aarch64,x86_64']);
    assert.ok(result.entries.some((e) => e.kind === 'raw-image'));
    assert.deepEqual(result.sources.map((s) => s.state), ['stale', 'stale', 'stale', 'stale']);
    assert.equal(result.notices.length, 4);
  });

  it('still answers with every source down and no cache: from the snapshot', async () => {
    const dir = freshDir();
    const run = await cli(['catalog', '--json'], { ...env, FIOT_CACHE_DIR: dir, FIOT_CONFIG_DIR: dir });
    assert.equal(run.code, 0, run.stderr);
    const result = resultOf(run);
    assert.equal(result.origin, 'snapshot');
    assert.ok(result.entries.some((e) => e.kind === 'raw-image' && e.url?.startsWith('https://download.fedoraproject.org/pub/alt/iot/')));
    assert.deepEqual(result.entries.filter((e) => e.kind === 'raw-image' && e.version === '44').map((e) => e.url), [
      'https://download.fedoraproject.org/pub/alt/iot/44/IoT/aarch64/images/Fedora-IoT-raw-44-20260427.0.aarch64.raw.xz',
      'https://download.fedoraproject.org/pub/alt/iot/44/IoT/x86_64/images/Fedora-IoT-raw-44-20260427.0.x86_64.raw.xz',
    ]);
    const offline = await cli(['catalog', '--board', 'rpi4', '--offline'], { ...env, FIOT_CACHE_DIR: dir, FIOT_CONFIG_DIR: dir });
    assert.match(offline.stdout, /rpi4\s+fedora-iot:44@rpi4\s+disk image\s+44\s+aarch64\s+2026-04-27\s+-\s+-\s+ready-made image/);
    assert.ok(result.notices.every((n) => /snapshot of \d{4}-\d{2}-\d{2}/.test(n)), result.notices.join('\n'));
    const human = await cli(['catalog'], { ...env, FIOT_CACHE_DIR: dir, FIOT_CONFIG_DIR: dir });
    assert.equal(human.code, 0);
    assert.match(human.stdout, /Fedora IoT catalog \(snapshot of \d{4}-\d{2}-\d{2}\)/);
    assert.match(human.stderr, /notice: releases: .*could not be reached/);
  });

  it('--offline does not repeat an earlier run\'s failures as if it had just tried: one line; the header says how old the catalog is', async () => {
    const run = await cli(['catalog', '--offline'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /could not be reached|not answer/i);
    assert.match(run.stderr, /^notice: offline: the sources were not asked \(run without --offline to refresh\)\n$/);
    assert.match(run.stdout, /^Fedora IoT catalog \(cached, last refreshed \d{4}-\d\d-\d\d \d\d:\d\d UTC; releases, checksums, registry:\S+, registry:\S+ did not answer then: shown from their answer of \d{4}-\d\d-\d\d\)\n/);
    const json = resultOf(await cli(['catalog', '--offline', '--json'], env));
    assert.equal(json.notices.length, 1);
  });

  it('lists boards, Raspberry Pi 5 marked as not supported by Fedora', async () => {
    const run = await cli(['boards', '--json'], env);
    assert.equal(run.code, 0);
    const { boards } = JSON.parse(run.stdout.trim()) as { boards: { id: string; support: string; arch: string }[] };
    assert.equal(boards.find((b) => b.id === 'rpi5')?.support, 'unsupported');
    assert.equal(boards.find((b) => b.id === 'rpi4')?.arch, 'aarch64');
    const human = await cli(['boards'], env);
    assert.match(human.stdout, /rpi5\s+Raspberry Pi 5\s+aarch64\s+not supported by Fedora/);
    assert.equal(boards.find((b) => b.id === 'rpi-zero2w')?.support, 'community');
    assert.match(human.stdout, /rpi-zero2w\s+Raspberry Pi Zero 2 W\s+aarch64\s+community-tested/);
    assert.match(human.stdout, /rpi-zero2w: Community-tested: not one of Fedora IoT's reference platforms/);
  });
});
