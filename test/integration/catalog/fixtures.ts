/** A Fedora-shaped release index and mirror folder, served on loopback by the catalog tests. */
import type { RouteServer, Route } from '../../helpers/route-server';
import { sendJson } from '../../helpers/route-server';

export const sha = (c: string) => c.repeat(64);

/** releases.json as Fedora publishes it: many editions, IoT raw images with sizes as strings. */
export function releasesIndex(mirror: string) {
  const iot = (ver: string, compose: string, arch: string, form: 'raw-' | '' = 'raw-') =>
    `${mirror}/${ver}/IoT/${arch}/images/Fedora-IoT-${form}${ver}-${compose}.${arch}.raw.xz`;
  return [
    { version: '43', arch: 'aarch64', link: iot('43', '20251024.0', 'aarch64'), variant: 'IoT', subvariant: 'IoT', sha256: sha('a'), size: '812000000' },
    { version: '43', arch: 'x86_64', link: iot('43', '20251024.0', 'x86_64'), variant: 'IoT', subvariant: 'IoT', sha256: sha('b'), size: '798000000' },
    // Stale: the mirror has a newer 42 compose than the index says.
    { version: '42', arch: 'aarch64', link: iot('42', '20250414.0', 'aarch64'), variant: 'IoT', subvariant: 'IoT', sha256: sha('c'), size: '700000000' },
    { version: '38', arch: 'aarch64', link: iot('38', '20230414.0', 'aarch64', ''), variant: 'IoT', subvariant: 'IoT', sha256: sha('d'), size: '650000000' },
    { version: '43', arch: 'x86_64', link: `${mirror}/43/IoT/x86_64/iso/Fedora-IoT-ostree-43-20251024.0.x86_64.iso`, variant: 'IoT', subvariant: 'IoT', sha256: sha('e'), size: '1' },
    { version: '43', arch: 'x86_64', link: 'https://example.org/Fedora-Workstation-Live-43-1.6.x86_64.iso', variant: 'Workstation', subvariant: 'Workstation', sha256: sha('f'), size: '2' },
    { version: '43', arch: 'aarch64', link: 'https://example.org/Fedora-Server-43-1.6.aarch64.raw.xz', variant: 'Server', subvariant: 'Server', sha256: sha('f'), size: '3' },
  ];
}

const checksumText = (lines: string[]) =>
  ['-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA256', '', ...lines, '-----BEGIN PGP SIGNATURE-----', '', 'aGVsbG8=', '-----END PGP SIGNATURE-----', ''].join('\n');

/** The mirror folders: 42/aarch64 has a newer compose (20250724.1) than the release index. */
export const mirrorFolders: Record<string, { checksumName: string; text: string }> = {
  '/iot/42/IoT/aarch64/images/': {
    checksumName: 'Fedora-IoT-42-aarch64-20250724.1-CHECKSUM',
    text: checksumText([`SHA256 (Fedora-IoT-raw-42-20250724.1.aarch64.raw.xz) = ${sha('1')}`, `SHA256 (Fedora-IoT-ostree-42-20250724.1.aarch64.iso) = ${sha('2')}`]),
  },
  '/iot/43/IoT/aarch64/images/': {
    checksumName: 'Fedora-IoT-43-aarch64-20251024.0-CHECKSUM',
    text: checksumText([`SHA256 (Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz) = ${sha('a')}`]),
  },
};

/** Serves /releases.json (with an ETag and 304s) and the mirror under /iot/. */
export function fedoraRoutes(server: () => RouteServer, etag = '"idx-1"'): Route {
  return (req, res, url) => {
    if (url.pathname === '/releases.json') {
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
      return sendJson(res, 200, releasesIndex(`${server().base}/iot`), { ETag: etag });
    }
    const folder = mirrorFolders[url.pathname];
    if (folder) {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return void res.end(`<html><body><a href="../">../</a><a href="${folder.checksumName}">${folder.checksumName}</a></body></html>`);
    }
    const file = Object.entries(mirrorFolders).find(([dir, f]) => url.pathname === dir + f.checksumName)?.[1];
    if (file) {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Last-Modified': 'Mon, 24 Nov 2025 10:00:00 GMT' });
      return void res.end(file.text);
    }
    res.writeHead(404).end('not found');
  };
}
