/**
 * Token authentication as quay.io does it, in front of a real registry: a loopback proxy answers
 * 401 with a `WWW-Authenticate: Bearer realm=...,service=...,scope=...` challenge unless the request
 * carries a token from its token endpoint; the token endpoint hands anonymous tokens for public
 * repositories and wants the user's credentials (basic auth) for private ones. The proxy also pages
 * tag lists with Link headers, as quay.io does.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findCredentials } from '../../../electron/core/catalog/registry/auth-file';
import { RegistryClient } from '../../../electron/core/catalog/registry/client';
import { registrySource } from '../../../electron/core/catalog/registry/registry-source';
import { listTags } from '../../../electron/core/catalog/registry/tags';
import { bootcLabels, pushImage, registrySkipReason, startRegistry, type LoopbackRegistry } from '../../helpers/oci-registry';
import { sendJson, startRouteServer, type RouteServer } from '../../helpers/route-server';

const skip = registrySkipReason();
const privateRepos = ['acme/private-iot'];
const basicAcme = `Basic ${Buffer.from('acme:s3cret').toString('base64')}`;

describe('bearer-token registries', { skip: skip ?? false }, () => {
  let registry: LoopbackRegistry;
  let proxy: RouteServer;
  let authDir: string;
  let authFile: string;

  before(async () => {
    registry = await startRegistry();
    for (const tag of ['41', '42', '43']) {
      pushImage(registry.host, 'fedora/fedora-iot', tag, { architectures: ['arm64', 'amd64'], labels: bootcLabels(tag), created: '2025-11-01T00:00:00Z' });
    }
    pushImage(registry.host, 'acme/private-iot', '1', { architectures: ['arm64'], labels: bootcLabels('1'), created: '2025-11-02T00:00:00Z' });
    proxy = await startRouteServer(async (req, res, url) => {
      if (url.pathname === '/token') {
        const scope = url.searchParams.get('scope') ?? '';
        const repo = scope.split(':')[1] ?? '';
        if (url.searchParams.get('service') !== 'loopback-registry') return sendJson(res, 400, { error: 'wrong service' });
        if (privateRepos.includes(repo) && req.headers.authorization !== basicAcme) return sendJson(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] });
        return sendJson(res, 200, { token: `token-for-${scope}` });
      }
      const repo = /^\/v2\/(.+)\/(tags|manifests|blobs)\//.exec(url.pathname)?.[1] ?? '';
      const scope = `repository:${repo}:pull`;
      if (req.headers.authorization !== `Bearer token-for-${scope}`) {
        res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="${proxy.base}/token",service="loopback-registry",scope="${scope}"` });
        return void res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      }
      const upstream = await fetch(`http://${registry.host}${url.pathname}`, { headers: { Accept: req.headers.accept ?? '*/*' } });
      const body = Buffer.from(await upstream.arrayBuffer());
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'docker-content-digest']) {
        const value = upstream.headers.get(name);
        if (value) headers[name] = value;
      }
      if (url.pathname.endsWith('/tags/list')) {
        // Page like quay.io: sorted tags, `n` per page, a Link to the next page.
        const all = ((JSON.parse(body.toString()) as { tags: string[] }).tags ?? []).sort();
        const n = Number(url.searchParams.get('n') ?? 100);
        const last = url.searchParams.get('last');
        const start = last ? all.indexOf(last) + 1 : 0;
        const page = all.slice(start, start + n);
        if (start + n < all.length) headers.link = `</v2/${repo}/tags/list?n=${n}&last=${page[page.length - 1]}>; rel="next"`;
        return sendJson(res, 200, { name: repo, tags: page }, headers);
      }
      res.writeHead(upstream.status, headers);
      res.end(body);
    });
    authDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-auth-'));
    authFile = path.join(authDir, 'auth.json');
    writeFileSync(authFile, JSON.stringify({ auths: { [`${proxy.host}/acme`]: { auth: Buffer.from('acme:s3cret').toString('base64') } } }));
  });

  after(async () => {
    await proxy?.close();
    await registry?.stop();
    if (authDir) rmSync(authDir, { recursive: true, force: true });
  });

  it('answers the challenge with an anonymous token, fetched once per repository', async () => {
    proxy.requests.length = 0;
    const source = registrySource({ repo: `${proxy.host}/fedora/fedora-iot`, insecureRegistries: [proxy.host], credentials: async () => null });
    const { entries } = await source.run({ previous: undefined, known: [], timeoutMs: 5000 });
    assert.deepEqual(entries.map((e) => `${e.version}:${e.architectures.join(',')}`), ['43:aarch64,x86_64', '42:aarch64,x86_64', '41:aarch64,x86_64']);
    const paths = proxy.requests.map((r) => r.path);
    assert.match(paths[0] ?? '', /^\/v2\/fedora\/fedora-iot\/tags\/list/);
    assert.equal(paths[1], '/token?service=loopback-registry&scope=repository%3Afedora%2Ffedora-iot%3Apull');
    assert.equal(paths.filter((p) => p.startsWith('/token')).length, 1, 'the token is reused');
    assert.equal(proxy.requests[1]?.headers.authorization, undefined, 'anonymous: no credentials sent');
  });

  it('pages through tag lists with Link headers', async () => {
    proxy.requests.length = 0;
    const client = new RegistryClient({ registry: proxy.host, insecure: true, credentials: null, timeoutMs: 5000 });
    assert.deepEqual(await listTags(client, 'fedora/fedora-iot', 2), ['41', '42', '43']);
    assert.ok(proxy.requests.some((r) => r.path === '/v2/fedora/fedora-iot/tags/list?n=2&last=42'), proxy.requests.map((r) => r.path).join('\n'));
  });

  it('uses the credentials from the user\u2019s auth.json for a private repository', async () => {
    proxy.requests.length = 0;
    const source = registrySource({ repo: `${proxy.host}/acme/private-iot`, insecureRegistries: [proxy.host], credentials: (r, repo) => findCredentials(r, repo, [path.join(authDir, 'missing.json'), authFile]) });
    const { entries } = await source.run({ previous: undefined, known: [], timeoutMs: 5000 });
    assert.deepEqual(entries.map((e) => `${e.variant}:${e.version}:${e.architectures.join(',')}`), ['private-iot:1:aarch64']);
    assert.equal(proxy.requests.find((r) => r.path.startsWith('/token'))?.headers.authorization, basicAcme);
  });

  it('fails with a hint to log in when a private repository gets no token', async () => {
    const source = registrySource({ repo: `${proxy.host}/acme/private-iot`, insecureRegistries: [proxy.host], credentials: async () => null });
    await assert.rejects(source.run({ previous: undefined, known: [], timeoutMs: 5000 }), /token service answered HTTP 401/);
  });

  it('reports a 401 the token does not cure as refused access, with what to do', async () => {
    const saved = proxy.route;
    proxy.route = (_req, res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="x"' });
      res.end();
    };
    try {
      const source = registrySource({ repo: `${proxy.host}/fedora/fedora-iot`, insecureRegistries: [proxy.host], credentials: async () => null });
      await assert.rejects(source.run({ previous: undefined, known: [], timeoutMs: 5000 }), (e: unknown) => {
        const error = e as { code?: string; message: string; hint?: string };
        return error.code === 'NETWORK' && /refused access to fedora\/fedora-iot \(HTTP 401\)/.test(error.message) && /podman login/.test(error.hint ?? '');
      });
    } finally {
      proxy.route = saved;
    }
  });
});
