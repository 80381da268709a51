/**
 * A station whose catalog lists Fedora IoT 43 images (aarch64, x86_64) on a loopback mirror, not
 * cached yet: the mirror serves its release index, each `.xz` and a CHECKSUM file signed by a key
 * the station trusts, so choosing one and writing it downloads it while the card is written.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { CatalogService } from '../../electron/core/catalog/service';
import { loadConfig } from '../../electron/core/config';
import { startImageServer, type ImageServer } from './image-server';
import { makeTestKey } from './pgp';
import { openStationSession, type StationSession } from './station-session';

export type CatalogArch = 'aarch64' | 'x86_64';

/** Where Fedora publishes the 43 image of an architecture, and its CHECKSUM file, on the mirror. */
export function catalogImage(arch: CatalogArch): { name: string; path: string; checksumPath: string } {
  const name = `Fedora-IoT-raw-43-20251024.0.${arch}.raw.xz`;
  const folder = `/iot/43/IoT/${arch}/images`;
  return { name, path: `${folder}/${name}`, checksumPath: `${folder}/Fedora-IoT-43-${arch}-20251024.0-CHECKSUM` };
}

/** The station opened in `page`, and the mirror's image for a Raspberry Pi 4 chosen by one click (which downloads nothing). */
export async function chooseMirrorImage(page: Page, stationUrl: string): Promise<void> {
  await page.goto(stationUrl);
  await page.getByTestId('catalog-source').waitFor();
  await page.locator('[data-testid="board-card"][data-board="rpi4"]').click();
  await page.locator(`[data-testid="catalog-entry"][data-entry="raw:${catalogImage('aarch64').name}"]`).click();
  await page.getByTestId('image-streamed').waitFor();
}

export interface CatalogMirrorStation {
  session: StationSession;
  mirror: ImageServer;
  /** Holds config/ and cache/ of the station's core. */
  dataDir: string;
  /** Each served image's sha256, by architecture. */
  sha256: Partial<Record<CatalogArch, string>>;
  close(): Promise<void>;
}

/**
 * `images`: the bytes served as each architecture's 43 image (the catalog lists those given);
 * `env`: more of the station's environment (a card bench's stand-in readers, FIOT_TEST_CARD_DIR).
 */
export async function openCatalogMirrorStation(name: string, images: Partial<Record<CatalogArch, Buffer>>, env: Record<string, string> = {}): Promise<CatalogMirrorStation> {
  // The mirror's CHECKSUM files, signed by a key the user trusts (a Fedora image needs one).
  const key = await makeTestKey('Fedora (test)');
  const mirror = await startImageServer();
  const sha256: Partial<Record<CatalogArch, string>> = {};
  const releases = [];
  for (const [arch, body] of Object.entries(images) as Array<[CatalogArch, Buffer]>) {
    const image = catalogImage(arch);
    const sum = createHash('sha256').update(body).digest('hex');
    sha256[arch] = sum;
    mirror.files.set(image.path, { body });
    mirror.files.set(image.checksumPath, { body: Buffer.from(await key.clearSign(`SHA256 (${image.name}) = ${sum}\n`)) });
    releases.push({ version: '43', arch, link: mirror.url(image.path), variant: 'IoT', subvariant: 'IoT', sha256: sum, size: String(body.length) });
  }
  mirror.files.set('/releases.json', { body: Buffer.from(JSON.stringify(releases)) });

  const dataDir = mkdtempSync(path.join(os.tmpdir(), `fiot-e2e-${name}-`));
  mkdirSync(path.join(dataDir, 'config', 'keys'), { recursive: true });
  writeFileSync(path.join(dataDir, 'config', 'keys', 'test.asc'), key.publicArmored);
  const folders = {
    FIOT_CONFIG_DIR: path.join(dataDir, 'config'),
    FIOT_CACHE_DIR: path.join(dataDir, 'cache'),
    FIOT_RELEASES_URL: mirror.url('/releases.json'),
    FIOT_IOT_IMAGES_URL: mirror.url('/iot/'),
  };
  // A refresh before the app starts, as on an earlier day: the list shows the mirror's images, their size on the card read from their index.
  await new CatalogService({ config: loadConfig({ ...process.env, ...folders }) }).refresh();
  const session = await openStationSession(name, { ...env, ...folders });
  return {
    session, mirror, dataDir, sha256,
    async close() {
      await session.close();
      await mirror.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
