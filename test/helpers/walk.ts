/**
 * What the evaluator walks share: a folder of numbered screenshots, one per step (under the OS
 * temp folder, printed so a person can look at them; kept after the test on purpose), and a
 * catalog that is offline: refreshed once from a loopback Fedora whose port is then closed, so
 * the app shows the catalog it kept and every download from it fails with "connection refused".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { loadConfig } from '../../electron/core/config';
import { CatalogService } from '../../electron/core/catalog/service';
import { makeFixture, type Fixture } from '../fixtures/fixture';
import type { BrowserOptions } from './browser';
import { sendJson, startRouteServer } from './route-server';
import { openStationSession, type StationSession } from './station-session';

export interface StepShots {
  dir: string;
  /** Saves `NN-name.png` of the window (the app scrolls inside its panel, not the page). */
  shot(page: Page, name: string): Promise<void>;
}

export function stepShots(walk: string): StepShots {
  const dir = mkdtempSync(path.join(os.tmpdir(), `fiot-walk-${walk}-`));
  console.log(`screenshots of the "${walk}" walk: ${dir}`);
  let step = 0;
  return {
    dir,
    async shot(page, name) {
      step += 1;
      await page.screenshot({ path: path.join(dir, `${String(step).padStart(2, '0')}-${name}.png`) });
    },
  };
}

/** The published image's name in the loopback release index (the newest stable for a Pi 4). */
export const OFFLINE_IMAGE = 'Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz';

/**
 * Environment for a core whose catalog sources all point at a closed loopback port, with a catalog
 * cache from an earlier refresh in `dataDir` (config/ and cache/ there). `published`: the sha256
 * and size the release index gave for OFFLINE_IMAGE (by default made up: nothing can match them).
 */
export async function offlineCatalogEnv(dataDir: string, published = { sha256: 'ab'.repeat(32), size: 700e6 }): Promise<NodeJS.ProcessEnv> {
  const fedora = await startRouteServer((_req, res, url) => {
    if (url.pathname !== '/releases.json') return void res.writeHead(404).end();
    const link = `${fedora.base}/iot/43/IoT/aarch64/images/${OFFLINE_IMAGE}`;
    sendJson(res, 200, [{ version: '43', arch: 'aarch64', link, variant: 'IoT', subvariant: 'IoT', sha256: published.sha256, size: String(published.size) }]);
  });
  const env = {
    FIOT_CONFIG_DIR: path.join(dataDir, 'config'),
    FIOT_CACHE_DIR: path.join(dataDir, 'cache'),
    FIOT_RELEASES_URL: `${fedora.base}/releases.json`,
    FIOT_IOT_IMAGES_URL: `${fedora.base}/iot/`,
    FIOT_REGISTRY_REPOS: `${fedora.host}/fedora/fedora-iot`,
    FIOT_INSECURE_REGISTRIES: fedora.host,
  };
  try {
    await new CatalogService({ config: loadConfig({ ...process.env, ...env }) }).refresh();
  } finally {
    await fedora.close();
  }
  return env;
}

export interface OfflineStation {
  session: StationSession;
  /** An image file the station offers (xz-compressed), as a person without a catalog would use. */
  fixture: Fixture;
  close(): Promise<void>;
}

/**
 * A station whose catalog is offline (see `offlineCatalogEnv`), with a small xz image to choose;
 * `browserOptions` as `launchBrowser` takes them (`bypassCSP` for a test that runs axe-core).
 */
export async function openOfflineStation(name: string, browserOptions: BrowserOptions = {}): Promise<OfflineStation> {
  const work = mkdtempSync(path.join(os.tmpdir(), `fiot-e2e-${name}-`));
  const env = await offlineCatalogEnv(work);
  const [fixture, session] = await Promise.all([makeFixture({ xz: true }), openStationSession(name, env, browserOptions)]);
  return {
    session,
    fixture,
    async close() {
      await session.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
