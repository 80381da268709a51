/**
 * A core that is offline in a known way, for the browser tests: its catalog cache was written by
 * a refresh against a loopback "Fedora" that is then shut down, so the app starts from that cache,
 * its own refresh reaches nothing, and the listed image's mirror is gone, as on a train with no
 * network. Registries point at a closed loopback port. Nothing leaves 127.0.0.1.
 */
import path from 'node:path';
import { loadConfig } from '../../electron/core/config';
import { CatalogService } from '../../electron/core/catalog/service';
import { sendJson, startRouteServer } from './route-server';

const rawPath = '/iot/43/IoT/aarch64/images/Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz';

/** The environment (config and cache folders under `dataDir`, unreachable sources) of such a core. */
export async function offlineCatalogEnv(dataDir: string): Promise<NodeJS.ProcessEnv> {
  const fedora = await startRouteServer((_req, res, url) => {
    if (url.pathname === '/releases.json') {
      return sendJson(res, 200, [{ version: '43', arch: 'aarch64', link: `${fedora.base}${rawPath}`, variant: 'IoT', subvariant: 'IoT', sha256: 'a'.repeat(64), size: String(700_000_000) }]);
    }
    res.writeHead(404).end();
  });
  const env = {
    FIOT_CONFIG_DIR: path.join(dataDir, 'config'),
    FIOT_CACHE_DIR: path.join(dataDir, 'cache'),
    FIOT_RELEASES_URL: `${fedora.base}/releases.json`,
    FIOT_IOT_IMAGES_URL: `${fedora.base}/iot/`,
    FIOT_REGISTRY_REPOS: '127.0.0.1:9/fedora/fedora-iot',
    FIOT_INSECURE_REGISTRIES: '127.0.0.1:9',
  };
  await new CatalogService({ config: loadConfig({ ...process.env, ...env }) }).refresh();
  await fedora.close();
  return env;
}
