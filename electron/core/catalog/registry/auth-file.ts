/**
 * Credentials for private registries, read from the files the container tools already keep, in the
 * order podman looks: $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json,
 * ~/.config/containers/auth.json, then Docker's ~/.docker/config.json. Each holds
 * `{"auths": {"<registry>[/<path>]": {"auth": base64("user:password")}}}`; the most specific key wins.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface Credentials {
  username: string;
  password: string;
}

export function authFileCandidates(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string[] {
  const files: string[] = [];
  if (env.REGISTRY_AUTH_FILE) files.push(env.REGISTRY_AUTH_FILE);
  if (env.XDG_RUNTIME_DIR) files.push(path.join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'));
  const configHome = env.XDG_CONFIG_HOME ?? path.join(home, '.config');
  files.push(path.join(configHome, 'containers', 'auth.json'));
  files.push(path.join(home, '.docker', 'config.json'));
  return files;
}

/** `https://index.docker.io/v1/` and `quay.io/fedora` both name a registry (and maybe a path). */
function normaliseKey(key: string): string {
  const bare = key.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  return bare === 'index.docker.io/v1' || bare === 'registry-1.docker.io' ? 'docker.io' : bare;
}

function decode(auth: string): Credentials | null {
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon > 0 ? { username: text.slice(0, colon), password: text.slice(colon + 1) } : null;
}

/** Credentials for `registry/repository` from one parsed auth file, most specific key first. */
export function credentialsFrom(authFile: unknown, registry: string, repository: string): Credentials | null {
  const auths = (authFile as { auths?: Record<string, { auth?: unknown }> } | null)?.auths;
  if (!auths || typeof auths !== 'object') return null;
  const wanted = `${registry}/${repository}`;
  let best: { length: number; credentials: Credentials } | null = null;
  for (const [key, value] of Object.entries(auths)) {
    const scope = normaliseKey(key);
    const fits = scope === registry || wanted === scope || wanted.startsWith(`${scope}/`);
    if (!fits || typeof value?.auth !== 'string') continue;
    const credentials = decode(value.auth);
    if (credentials && (!best || scope.length > best.length)) best = { length: scope.length, credentials };
  }
  return best?.credentials ?? null;
}

/** The first credentials found for a repository across the usual auth files; null when none. */
export async function findCredentials(registry: string, repository: string, files = authFileCandidates()): Promise<Credentials | null> {
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      continue; // Missing or unreadable files are normal: most people have none of them.
    }
    const found = credentialsFrom(parsed, registry, repository);
    if (found) return found;
  }
  return null;
}
