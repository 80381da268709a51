/**
 * Every request the app makes goes through the proxy a person set (HTTPS_PROXY / HTTP_PROXY, or the
 * settings file), and NO_PROXY names the hosts reached directly. A real CONNECT proxy on loopback
 * records the tunnels it was asked for: a catalog refresh, an image download (https, the test's own
 * certificate trusted through NODE_EXTRA_CA_CERTS) and an SSH-keys lookup each show up there. A
 * proxy that says no (403, 407, or nothing listening) is named in the error, with PROXY_REFUSED;
 * a refused host on this machine or its network comes with NO_PROXY, and a refused own mirror is
 * named first (also by `flash --dry-run`), before the site the image was asked of instead.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { FiotError } from '../../../shared/errors';
import { fetchPublicKeys } from '../../../electron/core/ssh-keys/fetch-keys';
import { resultLine } from '../../helpers/cli-json';
import { bootcLabels, pushImage, registrySkipReason, startRegistry, type LoopbackRegistry } from '../../helpers/oci-registry';
import { closedPort, startConnectProxy, type ConnectProxy } from '../../helpers/connect-proxy';
import { startRouteServer, type RouteServer } from '../../helpers/route-server';
import { runCli } from '../../helpers/run-cli';
import { ED25519_KEY } from '../../helpers/ssh-keys';
import { commandsSkipReason } from '../../helpers/system';
import { fedoraRoutes } from '../catalog/fixtures';
import { randomImage } from '../images/setup';

const skip = commandsSkipReason('openssl') ?? false;
const registrySkip = registrySkipReason();
let registry: LoopbackRegistry | undefined;
const image = randomImage(128 * 1024);
let certDir: string;
let cert: Buffer;
let secure: https.Server;
let secureHost: string;
const secureSeen: string[] = [];
let fedora: RouteServer;
const dirs: string[] = [];
const proxies: ConnectProxy[] = [];

interface CatalogResult {
  ok: boolean;
  origin: string;
  entries: { kind: string; version: string }[];
  notices: string[];
  sources: { state: string; message?: string }[];
}

interface DownloadResult {
  ok: boolean;
  entry?: { sha256: string };
  error?: { code: string; message: string; hint?: string };
}

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];

/** Every proxy variable, both spellings, so nothing from the machine running the tests leaks in. */
function proxyEnv(proxy: string, noProxy = ''): Record<string, string> {
  return { HTTPS_PROXY: proxy, https_proxy: proxy, HTTP_PROXY: proxy, http_proxy: proxy, NO_PROXY: noProxy, no_proxy: noProxy };
}

function freshDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-proxy-'));
  dirs.push(dir);
  return dir;
}

async function proxy(answer: ConnectProxy['answer'] = 'tunnel'): Promise<ConnectProxy> {
  const started = await startConnectProxy(answer);
  proxies.push(started);
  return started;
}

before(async () => {
  if (skip) return;
  certDir = freshDir();
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', path.join(certDir, 'key.pem'), '-out', path.join(certDir, 'cert.pem')], { stdio: 'ignore' });
  cert = readFileSync(path.join(certDir, 'cert.pem'));
  secure = https.createServer({ cert, key: readFileSync(path.join(certDir, 'key.pem')) }, (req, res) => {
    secureSeen.push(req.url ?? '');
    if (req.url === '/plain.raw') res.writeHead(200, { 'content-length': image.body.length }).end(image.body);
    else if (req.url === '/tech.keys') res.writeHead(200).end(`${ED25519_KEY}\n`);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
  secureHost = `127.0.0.1:${(secure.address() as AddressInfo).port}`;
  fedora = await startRouteServer(() => undefined);
  fedora.route = fedoraRoutes(() => fedora);
  if (registrySkip) return;
  registry = await startRegistry();
  pushImage(registry.host, 'fedora/fedora-iot', '43', { architectures: ['arm64'], labels: bootcLabels('43'), created: '2025-11-01T00:00:00Z' });
});

after(async () => {
  for (const started of proxies) await started.close();
  await fedora?.close();
  await registry?.stop();
  await new Promise((resolve) => (secure ? secure.close(resolve) : resolve(undefined)));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('fiot-flash behind a proxy', { skip }, () => {
  const catalogEnv = () => {
    const dir = freshDir();
    return { FIOT_CONFIG_DIR: dir, FIOT_CACHE_DIR: dir, FIOT_RELEASES_URL: `${fedora.base}/releases.json`, FIOT_IOT_IMAGES_URL: `${fedora.base}/iot/`, FIOT_REGISTRY_REPOS: '' };
  };
  const download = async (env: Record<string, string>) => {
    const dir = freshDir();
    const run = await runCli(['download', `https://${secureHost}/plain.raw`, '--sha256', image.sha256, '--json'],
      { FIOT_CACHE_DIR: dir, FIOT_CONFIG_DIR: dir, NODE_EXTRA_CA_CERTS: path.join(certDir, 'cert.pem'), ...env });
    return { ...run, last: resultLine<DownloadResult>(run.stdout) };
  };

  test('a catalog refresh asks the release index, the mirror and the registry through the proxy', { skip: registrySkip ?? false }, async () => {
    const through = await proxy();
    fedora.requests.length = 0;
    const run = await runCli(['catalog', '--json'], {
      ...catalogEnv(),
      FIOT_REGISTRY_REPOS: `${registry!.host}/fedora/fedora-iot`,
      FIOT_INSECURE_REGISTRIES: registry!.host,
      ...proxyEnv(through.url),
    });
    assert.equal(run.code, 0, run.stderr);
    const result = resultLine<CatalogResult>(run.stdout);
    assert.equal(result.origin, 'live', JSON.stringify(result));
    assert.ok(result.sources.length > 0 && result.sources.every((s) => s.state === 'ok'), JSON.stringify(result.sources));
    assert.ok(result.entries.some((e) => e.kind === 'bootc-container' && e.version === '43'), 'the registry answered');
    const targets = new Set(through.connects.map((c) => c.target));
    assert.deepEqual([...targets].sort(), [fedora.host, registry!.host].sort());
    assert.ok(fedora.requests.some((r) => r.path === '/releases.json'), 'the index was fetched, through the tunnel');
  });

  test('a catalog refresh through a proxy that forbids the site says the proxy refused it', async () => {
    const forbidding = await proxy(403);
    const run = await runCli(['catalog', '--json'], { ...catalogEnv(), ...proxyEnv(forbidding.url) });
    const result = resultLine<CatalogResult>(run.stdout);
    const messages = result.sources.map((s) => s.message ?? '').join('\n');
    assert.match(messages, new RegExp(`The proxy at ${forbidding.url} refused the connection to ${fedora.host}: it does not allow this site \\(HTTP 403\\)\\. 127\\.0\\.0\\.1 is on this machine or your network: put it in NO_PROXY \\(NO_PROXY=127\\.0\\.0\\.1`), JSON.stringify(result));
    assert.ok(result.sources.every((s) => s.state !== 'ok'));
  });

  test('a proxy that refuses the person’s own mirror: the mirror is named first, with NO_PROXY, in the dry run and the real one, and the card is untouched', async () => {
    const forbidding = await proxy(403);
    const env = { ...catalogEnv(), ...proxyEnv(forbidding.url) };
    // A new image file as the card: nothing may be written before the image is there, so it must not appear.
    const card = path.join(freshDir(), 'card.img');
    const mirrorTarget = new URL(env.FIOT_IOT_IMAGES_URL).host;

    // The dry run names where the image would come from, and says the mirror could not be used, and why.
    const dry = await runCli(['flash', 'fedora-iot:43@rpi4', '--drive', card, '--dry-run'], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /Image: fedora-iot:43@rpi4 is .*, from download\.fedoraproject\.org\./);
    assert.ok(dry.stderr.includes(`Warning: The proxy at ${forbidding.url} refused the connection to your mirror at ${mirrorTarget} (${env.FIOT_IOT_IMAGES_URL}): the image would be asked of download.fedoraproject.org instead. 127.0.0.1 is on this machine or your network: put it in NO_PROXY (NO_PROXY=127.0.0.1`), dry.stderr);

    // The real run: the mirror first (as the proxy saw it), then the site asked instead, and how to let the mirror through.
    const run = await runCli(['flash', 'fedora-iot:43@rpi4', '--drive', card, '--yes', '--json'], env);
    assert.equal(run.code, 1, run.stderr);
    const error = resultLine<DownloadResult>(run.stdout).error!;
    assert.equal(error.code, 'PROXY_REFUSED', JSON.stringify(error));
    assert.equal(error.message, `The proxy at ${forbidding.url} refused the connection to your mirror at ${mirrorTarget} (${env.FIOT_IOT_IMAGES_URL}), so the image was asked of download.fedoraproject.org:443 instead, and the proxy refused that too: nothing was downloaded.`);
    assert.match(error.hint ?? '', /^127\.0\.0\.1 is on this machine or your network: put it in NO_PROXY \(NO_PROXY=127\.0\.0\.1, or noProxy in the settings file\)/);
    const asked = forbidding.connects.map((c) => c.target);
    assert.ok(asked.includes(mirrorTarget) && asked.includes('download.fedoraproject.org:443'), asked.join(', '));
    assert.equal(existsSync(card), false, 'nothing was written');

    // Let through as the words say, the mirror is reached directly and the proxy is not asked for it.
    const direct = await runCli(['flash', 'fedora-iot:43@rpi4', '--drive', card, '--dry-run'], { ...env, ...proxyEnv(forbidding.url, '127.0.0.1') });
    assert.equal(direct.code, 0, direct.stderr);
    assert.doesNotMatch(direct.stderr, /your mirror/);
  });

  test('an https image download goes through the proxy and lands verified', async () => {
    const through = await proxy();
    const run = await download(proxyEnv(through.url));
    assert.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(run.last)}`);
    assert.equal(run.last.entry?.sha256, image.sha256);
    assert.deepEqual(through.connects.map((c) => c.target), [secureHost]);
  });

  test('NO_PROXY sends a host past the proxy, even one that would refuse', async () => {
    const forbidding = await proxy(403);
    const run = await download(proxyEnv(forbidding.url, `localhost,${secureHost.split(':')[0]}`));
    assert.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(run.last)}`);
    assert.equal(run.last.entry?.sha256, image.sha256);
    assert.deepEqual(forbidding.connects, [], 'the proxy was never asked');
  });

  test('a proxy that wants a password: refused in words without one, and the password in the proxy address works', async () => {
    const guarded = await proxy(407);
    guarded.password = 'maker:s3cret';
    const port = new URL(guarded.url).port;
    const refused = await download(proxyEnv(`http://maker:wrong@127.0.0.1:${port}`));
    assert.equal(refused.code, 1);
    assert.equal(refused.last.error?.code, 'PROXY_REFUSED', JSON.stringify(refused.last));
    assert.match(refused.last.error!.message, new RegExp(`^The proxy at http://127\\.0\\.0\\.1:${port} refused the connection to ${secureHost}: it asks for a user name and password \\(HTTP 407\\)`));
    assert.doesNotMatch(refused.stdout + refused.stderr, /wrong/, 'the password is never printed');

    const run = await download(proxyEnv(`http://maker:s3cret@127.0.0.1:${port}`));
    assert.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(run.last)}`);
    assert.equal(guarded.connects.at(-1)?.authorization, `Basic ${Buffer.from('maker:s3cret').toString('base64')}`);
  });

  test('a proxy that is not running: PROXY_REFUSED naming it, not "the site is down"', async () => {
    const port = await closedPort();
    const run = await download(proxyEnv(`http://127.0.0.1:${port}`));
    assert.equal(run.code, 1);
    assert.equal(run.last.error?.code, 'PROXY_REFUSED', JSON.stringify(run.last));
    assert.match(run.last.error!.message, new RegExp(`^The proxy at http://127\\.0\\.0\\.1:${port} refused the connection: nothing answers there \\(ECONNREFUSED\\)`));
  });
});

describe('SSH keys from a URL behind a proxy', { skip }, () => {
  const saved = new Map(['FIOT_CONFIG_DIR', ...PROXY_VARIABLES].map((name) => [name, process.env[name]]));
  const useEnv = (values: Record<string, string>) => {
    for (const [name, value] of Object.entries({ FIOT_CONFIG_DIR: freshDir(), ...proxyEnv(''), ...values })) process.env[name] = value;
  };
  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  test('the keys come through the proxy from HTTPS_PROXY', async () => {
    const through = await proxy();
    useEnv(proxyEnv(through.url));
    const { keys } = await fetchPublicKeys(`https://${secureHost}/tech.keys`, { ca: cert });
    assert.deepEqual(keys, [ED25519_KEY]);
    assert.deepEqual(through.connects.map((c) => c.target), [secureHost]);
  });

  test('a refusing proxy is named, with PROXY_REFUSED', async () => {
    const forbidding = await proxy(403);
    useEnv(proxyEnv(forbidding.url));
    await assert.rejects(fetchPublicKeys(`https://${secureHost}/tech.keys`, { ca: cert }), (error: FiotError) => {
      assert.equal(error.code, 'PROXY_REFUSED');
      assert.match(error.message, new RegExp(`The proxy at ${forbidding.url} refused the connection to ${secureHost}`));
      return true;
    });
  });

  test('the settings file’s proxy is used with no proxy variable set, and its noProxy bypasses it', async () => {
    const through = await proxy();
    useEnv({});
    writeFileSync(path.join(process.env.FIOT_CONFIG_DIR!, 'settings.json'), JSON.stringify({ proxy: through.url }));
    assert.deepEqual((await fetchPublicKeys(`https://${secureHost}/tech.keys`, { ca: cert })).keys, [ED25519_KEY]);
    assert.deepEqual(through.connects.map((c) => c.target), [secureHost]);

    const forbidding = await proxy(403);
    writeFileSync(path.join(process.env.FIOT_CONFIG_DIR!, 'settings.json'), JSON.stringify({ proxy: forbidding.url, noProxy: '127.0.0.1' }));
    const seen = secureSeen.length;
    assert.deepEqual((await fetchPublicKeys(`https://${secureHost}/tech.keys`, { ca: cert })).keys, [ED25519_KEY]);
    assert.deepEqual(forbidding.connects, []);
    assert.equal(secureSeen.length, seen + 1, 'the server answered directly');
  });

  test('a settings file whose proxy is not an address is refused, naming the file and the field', async () => {
    useEnv({});
    const file = path.join(process.env.FIOT_CONFIG_DIR!, 'settings.json');
    writeFileSync(file, JSON.stringify({ proxy: 'proxy.example 3128' }));
    await assert.rejects(fetchPublicKeys(`https://${secureHost}/tech.keys`, { ca: cert }), (error: FiotError) => {
      assert.equal(error.code, 'INVALID_INPUT');
      assert.ok(error.message.includes(file), error.message);
      assert.match(error.message, /proxy must be an http:\/\/ or https:\/\/ address/);
      return true;
    });
  });
});
