/**
 * The catalog service: parallel refresh of a loopback release index, mirror and registry; the
 * on-disk cache and conditional requests; and every fault a source can have (500, 404, malformed
 * JSON, a server that never answers, everything down), none of which may break the others.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { loadConfig, type AppConfig } from '../../../electron/core/config';
import { CatalogService } from '../../../electron/core/catalog/service';
import { cacheFilePath } from '../../../electron/core/catalog/cache-store';
import { loadSnapshot } from '../../../electron/core/catalog/assets';
import { releasesSource } from '../../../electron/core/catalog/releases/releases-source';
import { resolveCatalogSource } from '../../../electron/core/catalog/resolve-source';
import { createCore } from '../../../electron/core/app-core';
import type { Catalog } from '../../../shared/domain/catalog';
import { startRouteServer, type RouteServer } from '../../helpers/route-server';
import { sendFile } from '../../helpers/image-server';
import { commandsSkipReason } from '../../helpers/system';
import { updateIndex } from '../../../electron/core/images/cache/cache-index';
import { fedoraRoutes, sha } from './fixtures';

let fedora: RouteServer;
let cacheDir: string;
const tempDirs: string[] = [];

function configFor(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    ...loadConfig({}),
    configDir: cacheDir,
    cacheDir,
    releasesUrl: `${fedora.base}/releases.json`,
    iotImagesUrl: `${fedora.base}/iot/`,
    registryRepos: [],
    ...overrides,
  };
}

const status = (catalog: Catalog, id: string) => catalog.sources.find((s) => s.id === id);
const rawIds = (catalog: Catalog) => catalog.entries.filter((e) => e.kind === 'raw-image').map((e) => e.id.replace(/^raw:/, ''));

before(async () => {
  fedora = await startRouteServer(() => undefined);
  fedora.route = fedoraRoutes(() => fedora);
});
after(async () => fedora?.close());
beforeEach(() => {
  cacheDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-catalog-'));
  tempDirs.push(cacheDir);
  fedora.route = fedoraRoutes(() => fedora);
  fedora.requests.length = 0;
});

describe('catalog service', () => {
  it('answers from the snapshot before any refresh, without the network', async () => {
    const service = new CatalogService({ config: configFor() });
    const catalog = await service.get();
    assert.equal(catalog.origin, 'snapshot');
    assert.equal(catalog.snapshotDate, loadSnapshot().snapshotDate);
    assert.ok(catalog.entries.some((e) => e.kind === 'raw-image'));
    assert.equal(fedora.requests.length, 0);
  });

  it('merges the release index with the mirror\u2019s CHECKSUM files, newest compose first, and caches it', async () => {
    const changes: Catalog[] = [];
    const service = new CatalogService({ config: configFor(), onChange: (c) => changes.push(c) });
    const catalog = await service.refresh();
    assert.equal(catalog.origin, 'live');
    assert.deepEqual(rawIds(catalog), [
      'Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz',
      'Fedora-IoT-raw-43-20251024.0.x86_64.raw.xz',
      'Fedora-IoT-raw-42-20250724.1.aarch64.raw.xz',
      'Fedora-IoT-38-20230414.0.aarch64.raw.xz',
    ]);
    const newer42 = catalog.entries.find((e) => e.id.includes('42-20250724.1'));
    assert.equal(newer42?.sha256, sha('1'), 'the stale index entry was replaced by the mirror\u2019s newer compose');
    assert.equal(newer42?.url, `${fedora.base}/iot/42/IoT/aarch64/images/Fedora-IoT-raw-42-20250724.1.aarch64.raw.xz`);
    const a43 = catalog.entries.find((e) => e.id.includes('43-20251024.0.aarch64'));
    assert.equal(a43?.size, 812000000);
    assert.equal(a43?.sha256, sha('a'));
    assert.equal(status(catalog, 'releases')?.state, 'ok');
    assert.equal(status(catalog, 'checksums')?.state, 'ok');
    assert.equal(changes.length, 1);
    assert.ok(existsSync(cacheFilePath(cacheDir)));
    assert.equal(JSON.parse(readFileSync(cacheFilePath(cacheDir), 'utf8')).version, 1);
  });

  it('asks again with the ETag and keeps its entries on a 304; a new start answers from the cache', async () => {
    await new CatalogService({ config: configFor() }).refresh();
    fedora.requests.length = 0;
    const again = await new CatalogService({ config: configFor() }).refresh();
    const indexRequest = fedora.requests.find((r) => r.path === '/releases.json');
    assert.equal(indexRequest?.headers['if-none-match'], '"idx-1"');
    assert.equal(status(again, 'releases')?.message, 'unchanged since the last refresh');
    assert.ok(fedora.requests.some((r) => r.path.endsWith('-CHECKSUM') && r.headers['if-modified-since'] === 'Mon, 24 Nov 2025 10:00:00 GMT'));
    assert.equal(rawIds(again).length, 4);
    fedora.requests.length = 0;
    const cached = await new CatalogService({ config: configFor() }).get();
    assert.equal(cached.origin, 'cache');
    assert.deepEqual(rawIds(cached), rawIds(again));
    assert.equal(fedora.requests.length, 0, 'get() never touches the network');
  });

  it('keeps the last good answer of a source that now fails (stale), with a quiet reason', async () => {
    await new CatalogService({ config: configFor() }).refresh();
    fedora.route = (_req, res, url) => void res.writeHead(url.pathname === '/releases.json' ? 500 : 404).end();
    const catalog = await new CatalogService({ config: configFor() }).refresh();
    assert.equal(status(catalog, 'releases')?.state, 'stale');
    assert.match(status(catalog, 'releases')?.message ?? '', /HTTP 500.*showing what it said on \d{4}-\d{2}-\d{2}/);
    assert.equal(status(catalog, 'checksums')?.state, 'stale');
    assert.match(status(catalog, 'checksums')?.message ?? '', /HTTP 404/);
    assert.equal(rawIds(catalog).length, 4);
  });

  it('falls back to the snapshot for a source that sends malformed JSON, while the mirror still answers', async () => {
    const routes = fedoraRoutes(() => fedora);
    fedora.route = (req, res, url) => (url.pathname === '/releases.json' ? void res.writeHead(200).end('[{"version": "43",') : routes(req, res, url));
    const catalog = await new CatalogService({ config: configFor() }).refresh();
    assert.equal(status(catalog, 'releases')?.state, 'failed');
    assert.match(status(catalog, 'releases')?.message ?? '', /not valid JSON.*snapshot of/);
    assert.equal(status(catalog, 'checksums')?.state, 'ok');
    // Snapshot raw images stand in, and the mirror's newer 42 compose replaces the snapshot's.
    assert.ok(rawIds(catalog).includes('Fedora-IoT-raw-42-20250724.1.aarch64.raw.xz'));
    assert.ok(rawIds(catalog).includes('Fedora-IoT-raw-41-20241027.0.x86_64.raw.xz'));
  });

  it('does not wait for a server that never answers: that source fails on its deadline, the others answer', async () => {
    const routes = fedoraRoutes(() => fedora);
    fedora.route = (req, res, url) => (url.pathname === '/releases.json' ? undefined : routes(req, res, url));
    const started = Date.now();
    const catalog = await new CatalogService({ config: configFor(), requestTimeoutMs: 400 }).refresh();
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 3000, `refresh took ${elapsed} ms`);
    assert.equal(status(catalog, 'releases')?.state, 'failed');
    assert.match(status(catalog, 'releases')?.message ?? '', /did not answer in time/);
    assert.equal(status(catalog, 'checksums')?.state, 'ok');
  });

  it('bounds a whole source by its own deadline', async () => {
    const stuck = { id: 'stuck', owns: () => false, run: () => new Promise<never>(() => undefined) };
    const service = new CatalogService({ config: configFor(), sources: [stuck, releasesSource(`${fedora.base}/releases.json`)], sourceTimeoutMs: 300 });
    const catalog = await service.refresh();
    assert.equal(status(catalog, 'stuck')?.state, 'failed');
    assert.match(status(catalog, 'stuck')?.message ?? '', /did not answer within/);
    assert.equal(status(catalog, 'releases')?.state, 'ok');
  });

  it('with every source down, still answers: the whole snapshot, each source failed quietly', async () => {
    const down: typeof fetch = async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    };
    const config = configFor({ registryRepos: ['quay.io/fedora/fedora-iot', 'quay.io/fedora/fedora-bootc'] });
    const catalog = await new CatalogService({ config, fetchImpl: down }).refresh();
    assert.equal(catalog.origin, 'snapshot');
    assert.equal(catalog.entries.length, loadSnapshot().entries.length);
    assert.ok(catalog.sources.every((s) => s.state === 'failed'), JSON.stringify(catalog.sources));
    assert.match(status(catalog, 'registry:quay.io/fedora/fedora-iot')?.message ?? '', /ECONNREFUSED/);
  });

  it('reads the unpacked size of a raw image from its xz index on the mirror, and keeps it offline', { skip: commandsSkipReason('xz') ?? false }, async () => {
    // Random data does not compress: the .xz is larger than what the two requests fetch.
    const image = Buffer.concat([randomBytes(1024 * 1024), Buffer.alloc(2 * 1024 * 1024)]);
    const packed = execFileSync('xz', ['-0', '-T2', '--block-size=1MiB', '-c'], { input: image, maxBuffer: 16 * 1024 * 1024 });
    const imagePath = '/iot/43/IoT/aarch64/images/Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz';
    const routes = fedoraRoutes(() => fedora);
    fedora.route = (req, res, url) => (url.pathname === imagePath ? sendFile(req, res, packed) : routes(req, res, url));
    const sizeOf = (catalog: Catalog, file: string) => catalog.entries.find((e) => e.id === `raw:${file}`)?.imageSize;

    const live = await new CatalogService({ config: configFor() }).refresh();
    assert.equal(sizeOf(live, 'Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz'), image.length);
    assert.equal(sizeOf(live, 'Fedora-IoT-raw-43-20251024.0.x86_64.raw.xz'), null, 'a 404 on the image leaves its size unknown');
    assert.equal(fedora.requests.filter((r) => r.path === imagePath).length, 2, 'two Range requests');

    fedora.requests.length = 0;
    const down: typeof fetch = async () => {
      throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND') });
    };
    const offline = await new CatalogService({ config: configFor(), fetchImpl: down }).refresh();
    assert.equal(sizeOf(offline, 'Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz'), image.length, 'kept in the catalog cache');
    const restarted = await new CatalogService({ config: configFor() }).get();
    assert.equal(sizeOf(restarted, 'Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz'), image.length);
    const again = await new CatalogService({ config: configFor() }).refresh();
    assert.equal(sizeOf(again, 'Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz'), image.length);
    assert.equal(fedora.requests.filter((r) => r.path === imagePath).length, 0, 'a size once read is not asked for again');
  });

  it('takes the size of an image already downloaded from its decompressed copy in the image cache', async () => {
    const url = `${fedora.base}/iot/43/IoT/x86_64/images/Fedora-IoT-raw-43-20251024.0.x86_64.raw.xz`;
    const rawSize = 6 * 1024 ** 3;
    await updateIndex(cacheDir, (entries) => {
      entries.push({
        sha256: 'f'.repeat(64), name: 'Fedora-IoT-raw-43-20251024.0.x86_64.raw.xz', file: 'objects/f/image.raw.xz', size: 700e6, sources: [url],
        addedAt: '2025-11-01T00:00:00Z', lastUsedAt: '2025-11-01T00:00:00Z', diskBytes: 0, removeAfterWrite: false,
        verification: { sha256: 'f'.repeat(64), checksum: 'sha256', signature: null, signatureSkipped: false, notes: [] },
        raw: { file: 'objects/f/image.raw', size: rawSize, mapFile: 'objects/f/allocation-map.json', dataBytes: 1e9 },
      });
    });
    const catalog = await new CatalogService({ config: configFor() }).refresh();
    assert.equal(catalog.entries.find((e) => e.url === url)?.imageSize, rawSize);
  });

  it('pushes catalog:changed through the core after a refresh', async () => {
    const core = createCore(configFor());
    const seen: string[] = [];
    core.events.subscribe((event, _payload) => {
      seen.push(event);
    });
    const answer = await core.router.handle('catalog:refresh', {});
    assert.equal(answer.ok, true);
    assert.ok(seen.includes('catalog:changed'));
    const boards = await core.router.handle('boards:list', {});
    assert.ok(boards.ok && (boards.value as { boards: unknown[] }).boards.length >= 8);
  });
});

describe('catalog references as download sources', () => {
  it('resolves fedora-iot:43@rpi4 to the loopback raw image with its sha256 and size', async () => {
    const core = createCore(configFor());
    const found = await resolveCatalogSource('fedora-iot:43@rpi4', core.catalog);
    assert.equal(found.url, `${fedora.base}/iot/43/IoT/aarch64/images/Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz`);
    assert.equal(found.name, 'Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz');
    assert.equal(found.sha256, sha('a'));
    assert.equal(found.size, 812000000);
    assert.equal(found.board?.id, 'rpi4');
    const newer = await resolveCatalogSource('fedora-iot:42@rpi3', core.catalog);
    assert.match(newer.url, /Fedora-IoT-raw-42-20250724\.1\.aarch64\.raw\.xz$/, 'the mirror\u2019s newer compose');
    assert.equal((await resolveCatalogSource('fedora-iot:latest@uefi-x86_64', core.catalog)).entry.version, '43');
  });

  it('resolves offline from the snapshot, and explains what cannot be resolved', async () => {
    fedora.route = (_req, res) => void res.writeHead(500).end();
    const core = createCore(configFor());
    const offline = await resolveCatalogSource('fedora-iot:42@rpi4', core.catalog, { offline: true });
    assert.match(offline.url, /^https:\/\/download\.fedoraproject\.org\/pub\/alt\/iot\/42\/IoT\/aarch64\/images\//);
    assert.equal(offline.sha256, undefined, 'the snapshot invents no checksum');
    await assert.rejects(resolveCatalogSource('fedora-iot:42@rpi5', core.catalog, { offline: true }), /not supported by Fedora/);
    await assert.rejects(resolveCatalogSource('fedora-iot:42', core.catalog), (e: unknown) => (e as { code?: string }).code === 'INVALID_INPUT');
  });
});

after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
