/**
 * The station's HTTPS certificate, for listening beyond this machine: the token must not cross a
 * network in clear text. Self-signed, made once with openssl and kept in the config folder (the
 * key 0600, the folder 0700) so its fingerprint stays the same from run to run and a person can
 * compare what the browser shows with what the station printed.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { FiotError } from '../../shared/errors';

const run = promisify(execFile);
const VALID_DAYS = 825;
/** Renewed when it would run out within this margin, so a long-running station does not lapse. */
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

export interface StationCertificate {
  cert: string;
  key: string;
  /** SHA-256 of the certificate, as browsers show it (AB:CD:...). */
  fingerprint: string;
}

export function certificateFolder(configDir: string): string {
  return path.join(configDir, 'station');
}

function subjectAltNames(addresses: string[]): string[] {
  return ['DNS:localhost', ...addresses.filter((a) => isIP(a) !== 0).map((a) => `IP:${a}`)];
}

/** One spelling per address: X509Certificate lists IPv6 written out in full and in capitals. */
function canonical(entry: string): string {
  const ip = /^IP(?: Address)?:(.*)$/.exec(entry)?.[1];
  if (ip === undefined) return entry.toLowerCase();
  return `ip:${new URL(`http://${isIP(ip) === 6 ? `[${ip}]` : ip}`).hostname}`;
}

function covers(certificate: X509Certificate, addresses: string[]): boolean {
  const listed = new Set((certificate.subjectAltName ?? '').split(', ').map(canonical));
  return subjectAltNames(addresses).every((name) => listed.has(canonical(name)));
}

async function existing(folder: string, addresses: string[]): Promise<StationCertificate | null> {
  try {
    const [cert, key] = await Promise.all([readFile(path.join(folder, 'cert.pem'), 'utf8'), readFile(path.join(folder, 'key.pem'), 'utf8')]);
    const certificate = new X509Certificate(cert);
    if (Date.parse(certificate.validTo) - Date.now() < RENEW_BEFORE_MS || !covers(certificate, addresses)) return null;
    return { cert, key, fingerprint: certificate.fingerprint256 };
  } catch {
    return null;
  }
}

async function generate(folder: string, addresses: string[]): Promise<void> {
  // Made in a private folder and renamed into place, so no other user ever sees a readable key.
  const work = await mkdtemp(path.join(folder, 'new-'));
  try {
    const keyFile = path.join(work, 'key.pem');
    const certFile = path.join(work, 'cert.pem');
    const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', String(VALID_DAYS), '-subj', '/CN=Fedora IoT Flasher station', '-addext', `subjectAltName=${subjectAltNames(addresses).join(',')}`, '-keyout', keyFile, '-out', certFile];
    try {
      await run('openssl', args);
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new FiotError(
        'PREFLIGHT_FAILED',
        missing ? 'Serving the station beyond this machine needs HTTPS, and openssl (which makes its certificate) is not installed.' : `openssl could not make the station’s certificate: ${(error as Error).message}`,
        'Install openssl (apt install openssl, or dnf install openssl), or leave --listen out to serve this machine only.',
      );
    }
    await chmod(keyFile, 0o600);
    await rename(keyFile, path.join(folder, 'key.pem'));
    await rename(certFile, path.join(folder, 'cert.pem'));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The certificate naming `addresses`: the one kept from an earlier run, or a new one. */
export async function stationCertificate(configDir: string, addresses: string[]): Promise<StationCertificate> {
  const folder = certificateFolder(configDir);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  await chmod(folder, 0o700);
  const kept = await existing(folder, addresses);
  if (kept) return kept;
  await generate(folder, addresses);
  const made = await existing(folder, addresses);
  if (!made) throw new FiotError('INTERNAL', `The certificate made in ${folder} does not name ${addresses.join(', ')}.`);
  return made;
}
