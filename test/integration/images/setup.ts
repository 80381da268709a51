/** Shared set-up for image tests: a temp cache and config folder and a service pointed at them. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImageService, type ImageServiceDeps } from '../../../electron/core/images/image-service';

export interface TempImages {
  root: string;
  cacheDir: string;
  keysDir: string;
  service(extra?: Partial<ImageServiceDeps>): ImageService;
  dispose(): void;
}

export function tempImages(): TempImages {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fiot-images-'));
  const cacheDir = path.join(root, 'cache');
  const keysDir = path.join(root, 'keys');
  mkdirSync(keysDir);
  return {
    root,
    cacheDir,
    keysDir,
    // Short backoff: the tests exercise the retry path, not the waiting.
    service: (extra = {}) => new ImageService({ cacheDir, keyDirs: [keysDir], backoffMs: 10, ...extra }),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

export function randomImage(bytes: number): { body: Buffer; sha256: string } {
  const body = randomBytes(bytes);
  return { body, sha256: createHash('sha256').update(body).digest('hex') };
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A Fedora IoT image name and the CHECKSUM file Fedora publishes next to it (same folder). */
export const FEDORA_IMAGE = 'Fedora-IoT-raw-42-20250414.0.aarch64.raw.xz';
export const FEDORA_CHECKSUM = 'Fedora-IoT-42-aarch64-20250414.0-CHECKSUM';
