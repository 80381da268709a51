/**
 * An HTTPS server on 127.0.0.1 with a fresh self-signed certificate (made by openssl in `dir`),
 * which a client trusts by passing `cert` as its certificate authority.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface LoopbackHttps {
  /** `https://127.0.0.1:<port>` */
  base: string;
  cert: string;
  close(): Promise<void>;
}

export async function startLoopbackHttps(dir: string, handler: RequestListener): Promise<LoopbackHttps> {
  const key = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', certFile,
    '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'pipe' });
  const cert = readFileSync(certFile, 'utf8');
  const server = https.createServer({ key: readFileSync(key), cert }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cert,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
