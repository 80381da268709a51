/**
 * The user's own public keys, as `ssh-keygen` leaves them in ~/.ssh/*.pub, for "use my SSH key"
 * in one click. Only files that hold valid public keys are offered; a private key or anything
 * large or odd in that folder is skipped, never read into the app.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sshKeyProblem } from '../../../shared/provisioning';

/** A .pub file is one line of a few hundred bytes; anything bigger is not one. */
const MAX_PUB_FILE_BYTES = 16 * 1024;

export interface LocalKey {
  file: string;
  key: string;
}

export function defaultSshDir(): string {
  return path.join(os.homedir(), '.ssh');
}

export async function listLocalPublicKeys(sshDir = defaultSshDir()): Promise<LocalKey[]> {
  let names: string[];
  try {
    names = await readdir(sshDir);
  } catch {
    return [];
  }
  const found: LocalKey[] = [];
  for (const file of names.filter((n) => n.endsWith('.pub')).sort()) {
    const full = path.join(sshDir, file);
    const info = await lstat(full).catch(() => null);
    if (!info?.isFile() || info.size > MAX_PUB_FILE_BYTES) continue;
    const text = await readFile(full, 'utf8').catch(() => '');
    for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
      if (sshKeyProblem(line) === null) found.push({ file, key: line });
    }
  }
  return found;
}
