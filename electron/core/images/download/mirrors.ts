/**
 * Where else the same file can be downloaded. A `MirrorSource` is a plain function so tests hand in
 * loopback URLs and the app hands in Fedora's mirror list; the download loop only sees URLs.
 */
import { httpGet } from './http-get';

/** Every URL to try for `url`, best first; the original URL is always among them. */
export type MirrorSource = (url: string, signal?: AbortSignal) => Promise<string[]>;

/** No mirrors: just the URL given. */
export const directOnly: MirrorSource = async (url) => [url];

const FEDORA_HOSTS = new Set(['dl.fedoraproject.org', 'download.fedoraproject.org']);
/** Fedora Media Writer uses up to 8 mirrors: enough to get past a few broken ones, few enough to fail fast. */
const MAX_MIRRORS = 8;
const MIRRORLIST_TIMEOUT_MS = 10_000;

/**
 * Fedora's mirror list for files under /pub/ on Fedora's own download hosts; any other URL (a
 * user's own mirror, a local server) is used as given. When the list cannot be fetched the
 * original URL still works, so a mirrorlist outage never blocks a download.
 */
export function fedoraMirrors(mirrorlistBase = 'https://mirrors.fedoraproject.org/mirrorlist'): MirrorSource {
  return async (url, signal) => {
    const parsed = new URL(url);
    const pubAt = parsed.pathname.indexOf('/pub/');
    if (!FEDORA_HOSTS.has(parsed.hostname) || pubAt < 0) return [url];
    const path = parsed.pathname.slice(pubAt + 1);
    try {
      const timeout = AbortSignal.timeout(MIRRORLIST_TIMEOUT_MS);
      const listSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
      const response = await httpGet(`${mirrorlistBase}?path=${encodeURIComponent(path)}`, {}, listSignal);
      if (response.status !== 200) {
        response.body.resume();
        return [url];
      }
      let text = '';
      for await (const chunk of response.body as AsyncIterable<Buffer>) text += chunk.toString('utf8');
      const mirrors = parseMirrorlist(text).slice(0, MAX_MIRRORS);
      return [...mirrors.filter((m) => m !== url), url];
    } catch {
      return [url];
    }
  };
}

/** The mirrorlist answer: one URL per line, `#` comments; only https mirrors are kept. */
export function parseMirrorlist(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('https://'));
}
