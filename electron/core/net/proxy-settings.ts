/**
 * Which proxy the app uses for a web address: the settings file's proxy when there is one, else
 * the environment as curl and most tools read it (https_proxy / HTTPS_PROXY for https addresses,
 * http_proxy / HTTP_PROXY for the rest, no_proxy / NO_PROXY for hosts reached directly).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FiotError } from '../../../shared/errors';
import { appSettingsSchema, SETTINGS_FILE, type AppSettings } from '../../../shared/settings';

export interface ProxySettings {
  httpProxy: string | null;
  httpsProxy: string | null;
  /** NO_PROXY entries: `host`, `host:port`, `.domain` / `*.domain`, or `*` for every host. */
  noProxy: string[];
}

function first(env: NodeJS.ProcessEnv, names: string[]): string | null {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return null;
}

export function proxySettings(env: NodeJS.ProcessEnv, settings: AppSettings = {}): ProxySettings {
  const httpProxy = settings.proxy ?? first(env, ['http_proxy', 'HTTP_PROXY']);
  const httpsProxy = settings.proxy ?? first(env, ['https_proxy', 'HTTPS_PROXY']) ?? httpProxy;
  const noProxy = settings.noProxy ?? first(env, ['no_proxy', 'NO_PROXY']) ?? '';
  return { httpProxy, httpsProxy, noProxy: noProxy.split(/[,\s]+/).map((entry) => entry.trim().toLowerCase()).filter(Boolean) };
}

/** The settings file in the config folder; none at all means no settings. A broken one says where and what. */
export function readSettings(configDir: string): AppSettings {
  const file = path.join(configDir, SETTINGS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new FiotError('INVALID_INPUT', `The settings file ${file} cannot be read: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new FiotError('INVALID_INPUT', `The settings file ${file} is not JSON: ${(error as Error).message}`, 'Correct or remove the file.');
  }
  const parsed = appSettingsSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FiotError('INVALID_INPUT', `In the settings file ${file}, ${issue?.path.join('.') || 'the content'} ${issue?.message ?? 'is not valid'}.`, 'Correct or remove the field.');
  }
  return parsed.data;
}

function matchesNoProxy(entry: string, host: string, port: number): boolean {
  if (entry === '*') return true;
  // A port follows a name or a bracketed IPv6 address; a bare IPv6 address (`::1`) has none.
  const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
  const name = (withPort?.[1] ?? entry).replace(/^\[|\]$/g, '');
  if (withPort && Number(withPort[2]) !== port) return false;
  // `.example.org` and `*.example.org` cover the domain and its subdomains; a bare name, that host
  // and its subdomains too (as curl reads it).
  const domain = name.replace(/^\*?\./, '');
  return host === domain || host.endsWith(`.${domain}`);
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** The proxy for this address, or null when it is reached directly. */
export function proxyFor(address: string | URL, settings: ProxySettings): string | null {
  const url = typeof address === 'string' ? new URL(address) : address;
  const proxy = url.protocol === 'https:' ? settings.httpsProxy : settings.httpProxy;
  if (!proxy) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(url.port) || DEFAULT_PORTS[url.protocol] || 0;
  return settings.noProxy.some((entry) => matchesNoProxy(entry, host, port)) ? null : proxy;
}

/** A proxy address fit to print: without the password a proxy URL may carry. */
export function proxyLabel(proxy: string): string {
  try {
    const url = new URL(proxy);
    return `${url.protocol}//${url.host}`;
  } catch {
    return proxy;
  }
}
