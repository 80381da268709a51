/**
 * Where the app keeps its files and which outside sources it talks to. Everything can be moved by
 * environment variables (see docs in README), so tests point the app at temp folders and loopback.
 */
import os from 'node:os';
import path from 'node:path';
import { checkConfigDir } from './config-dir';

export interface AppConfig {
  configDir: string;
  cacheDir: string;
  releasesUrl: string;
  /** Folder with one folder per IoT release (`<ver>/IoT/<arch>/images/`): the CHECKSUM files' home. */
  iotImagesUrl: string;
  registryRepos: string[];
  insecureRegistries: string[];
  podman: string;
  /**
   * Test seam (FIOT_TEST_CARD_DIR): loop devices over files in this folder are listed as removable
   * cards, so a test can insert and remove "cards" (drivelist lists no loop devices). Unset in use.
   */
  testCardDir?: string;
}

function platformDir(kind: 'config' | 'cache'): string {
  const home = os.homedir();
  if (process.platform === 'win32') {
    const base = kind === 'config' ? process.env.APPDATA : process.env.LOCALAPPDATA;
    return path.join(base ?? path.join(home, 'AppData', 'Roaming'), 'fedora-iot-flasher');
  }
  if (process.platform === 'darwin') {
    return path.join(home, 'Library', kind === 'config' ? 'Application Support' : 'Caches', 'fedora-iot-flasher');
  }
  const xdg = kind === 'config' ? process.env.XDG_CONFIG_HOME : process.env.XDG_CACHE_HOME;
  return path.join(xdg ?? path.join(home, kind === 'config' ? '.config' : '.cache'), 'fedora-iot-flasher');
}

function list(value: string | undefined, fallback: string[]): string[] {
  if (value === undefined) return fallback;
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return {
    // Checked first: what a command reads or appends there must be this user's alone.
    configDir: checkConfigDir(env.FIOT_CONFIG_DIR ?? platformDir('config')),
    cacheDir: env.FIOT_CACHE_DIR ?? platformDir('cache'),
    releasesUrl: env.FIOT_RELEASES_URL ?? 'https://fedoraproject.org/releases.json',
    iotImagesUrl: env.FIOT_IOT_IMAGES_URL ?? 'https://dl.fedoraproject.org/pub/alt/iot/',
    registryRepos: list(env.FIOT_REGISTRY_REPOS, ['quay.io/fedora/fedora-iot', 'quay.io/fedora/fedora-bootc']),
    insecureRegistries: list(env.FIOT_INSECURE_REGISTRIES, []),
    podman: env.FIOT_PODMAN ?? 'podman',
    ...(env.FIOT_TEST_CARD_DIR ? { testCardDir: env.FIOT_TEST_CARD_DIR } : {}),
  };
}
