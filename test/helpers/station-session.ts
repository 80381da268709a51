/**
 * What every browser test starts from: the app built, a station over a core with its own
 * throwaway config and cache folders, and a fresh headless Chromium.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, type Core } from '../../electron/core/app-core';
import { loadConfig } from '../../electron/core/config';
import { startStation, type Station } from '../../electron/station/server';
import { launchBrowser, type BrowserOptions, type TestBrowser } from './browser';

const root = path.resolve(import.meta.dirname, '../..');

export interface StationSession {
  core: Core;
  station: Station;
  browser: TestBrowser;
  /** Holds config/ and cache/ (FIOT_CONFIG_DIR, FIOT_CACHE_DIR of this core), and images/. */
  dataDir: string;
  /** The station's images folder (`--images`): the only local files its browser may name. */
  imagesDir: string;
  /** Puts a file into the images folder (a hard link where possible) and returns its path there. */
  offer(file: string, name?: string): string;
  close(): Promise<void>;
}

/** `env` adds to (and wins over) the process's environment for this core's configuration. */
export async function openStationSession(name: string, env: NodeJS.ProcessEnv = {}, browserOptions: BrowserOptions = {}): Promise<StationSession> {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'pipe' });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `fiot-e2e-${name}-`));
  const imagesDir = path.join(dataDir, 'images');
  mkdirSync(imagesDir);
  const config = loadConfig({ ...process.env, FIOT_CONFIG_DIR: path.join(dataDir, 'config'), FIOT_CACHE_DIR: path.join(dataDir, 'cache'), ...env });
  const core = createCore(config, { imageFolders: [imagesDir] });
  const [station, browser] = await Promise.all([startStation({ core }), launchBrowser(browserOptions)]);
  return {
    core,
    station,
    browser,
    dataDir,
    imagesDir,
    offer(file, name = path.basename(file)) {
      const offered = path.join(imagesDir, name);
      if (existsSync(offered)) return offered;
      try {
        linkSync(file, offered);
      } catch {
        copyFileSync(file, offered);
      }
      return offered;
    },
    async close() {
      await browser.close();
      await station.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
