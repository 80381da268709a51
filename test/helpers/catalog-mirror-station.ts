/**
 * A station whose catalog lists one Fedora IoT 43 aarch64 image on a loopback mirror, not cached
 * yet: the mirror serves its release index, the `.xz` and a CHECKSUM file signed by a key the
 * station trusts, so choosing it and writing it downloads it while the card is written.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CatalogService } from '../../electron/core/catalog/service';
import { loadConfig } from '../../electron/core/config';
import { startImageServer, type ImageServer } from './image-server';
import { makeTestKey } from './pgp';
import { openStationSession, type StationSession } from './station-session';

export const CATALOG_IMAGE_NAME = 'Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz';
export const CATALOG_IMAGE_PATH = `/iot/43/IoT/aarch64/images/${CATALOG_IMAGE_NAME}`;
const CHECKSUM_PATH = '/iot/43/IoT/aarch64/images/Fedora-IoT-43-aarch64-20251024.0-CHECKSUM';

export interface CatalogMirrorStation {
  session: StationSession;
  mirror: ImageServer;
  /** Holds config/ and cache/ of the station's core. */
  dataDir: string;
  /** The `.xz` as served, and its sha256. */
  xz: Buffer;
  sha256: string;
  close(): Promise<void>;
}

export async function openCatalogMirrorStation(name: string, xzPath: string): Promise<CatalogMirrorStation> {
  const xz = readFileSync(xzPath);
  const sha256 = createHash('sha256').update(xz).digest('hex');
  const key = await makeTestKey('Fedora (test)');
  const checksum = await key.clearSign(`SHA256 (${CATALOG_IMAGE_NAME}) = ${sha256}\n`);
  const mirror = await startImageServer({ [CATALOG_IMAGE_PATH]: xz, [CHECKSUM_PATH]: Buffer.from(checksum) });
  const releases = ['aarch64', 'x86_64'].map((arch) => ({ version: '43', arch, link: mirror.url(CATALOG_IMAGE_PATH.replaceAll('aarch64', arch)), variant: 'IoT', subvariant: 'IoT', sha256, size: String(xz.length) }));
  mirror.files.set('/releases.json', { body: Buffer.from(JSON.stringify(releases)) });

  const dataDir = mkdtempSync(path.join(os.tmpdir(), `fiot-e2e-${name}-`));
  mkdirSync(path.join(dataDir, 'config', 'keys'), { recursive: true });
  writeFileSync(path.join(dataDir, 'config', 'keys', 'test.asc'), key.publicArmored);
  const env = {
    FIOT_CONFIG_DIR: path.join(dataDir, 'config'),
    FIOT_CACHE_DIR: path.join(dataDir, 'cache'),
    FIOT_RELEASES_URL: mirror.url('/releases.json'),
    FIOT_IOT_IMAGES_URL: mirror.url('/iot/'),
  };
  // A refresh before the app starts, as on an earlier day: the list shows the mirror's image, its size on the card read from its index.
  await new CatalogService({ config: loadConfig({ ...process.env, ...env }) }).refresh();
  const session = await openStationSession(name, env);
  return {
    session, mirror, dataDir, xz, sha256,
    async close() {
      await session.close();
      await mirror.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
