/**
 * The OpenPGP keys a CHECKSUM signature may come from: Fedora's keys shipped as data in
 * assets/keys/ (the release build drops fedora.gpg there), plus any keys the user adds for their own
 * mirrors or images in <configDir>/keys/. Armored or binary; one file may hold several keys.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { readKeys, type Key } from 'openpgp';
import { appPath } from '../../app-paths';

const KEY_FILE = /\.(gpg|asc|pub|key)$/i;

/** assets/keys/: a packaged app's resources/assets (electron-builder's extraResources), else the app folder's. */
export function shippedKeysDir(): string {
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  const packaged = resources ? path.join(resources, 'assets', 'keys') : null;
  return packaged && existsSync(packaged) ? packaged : appPath('assets', 'keys');
}

export interface TrustedKeys {
  keys: Key[];
  /** Which file each key came from (by fingerprint), to say who signed. */
  sources: Map<string, string>;
}

export async function loadTrustedKeys(dirs: string[]): Promise<TrustedKeys> {
  const keys: Key[] = [];
  const sources = new Map<string, string>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = (await fs.readdir(dir)).filter((n) => KEY_FILE.test(n)).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const file = path.join(dir, name);
      const data = await fs.readFile(file);
      // One unreadable key file must not disable the others; it simply trusts nothing.
      const found = await parseKeys(data).catch(() => []);
      for (const key of found) {
        keys.push(key);
        sources.set(key.getFingerprint(), file);
      }
    }
  }
  return { keys, sources };
}

async function parseKeys(data: Buffer): Promise<Key[]> {
  const text = data.toString('utf8');
  if (text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) return readKeys({ armoredKeys: text });
  return readKeys({ binaryKeys: new Uint8Array(data) });
}
