/**
 * The built renderer (dist/renderer/) served read-only. A request path is decoded, resolved
 * against the folder and refused unless it stays inside it, so `..`, encoded slashes and
 * absolute paths cannot reach any other file.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
  isPage: boolean;
}

/** The file inside `root` that a URL path names, or null when it names nothing we serve. */
export function safeFilePath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = path.resolve(root);
  const full = path.resolve(base, relative);
  if (!full.startsWith(base + path.sep)) return null;
  return full;
}

export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile | null> {
  const file = safeFilePath(root, urlPath);
  if (!file) return null;
  try {
    if (!(await stat(file)).isFile()) return null;
    // A symlink inside the folder must not lead out of it either.
    const [realFile, realRoot] = await Promise.all([realpath(file), realpath(root)]);
    if (!realFile.startsWith(realRoot + path.sep)) return null;
    const extension = path.extname(file).toLowerCase();
    return { body: await readFile(file), contentType: contentTypes[extension] ?? 'application/octet-stream', isPage: extension === '.html' };
  } catch {
    return null;
  }
}
