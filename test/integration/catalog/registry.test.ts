/**
 * The registry source against a real OCI registry (Debian's docker-registry) on loopback, with
 * multi-arch bootc-shaped images this test pushes itself with skopeo.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RegistryClient } from '../../../electron/core/catalog/registry/client';
import { registrySource } from '../../../electron/core/catalog/registry/registry-source';
import { listTags } from '../../../electron/core/catalog/registry/tags';
import { inspectReference } from '../../../electron/core/catalog/registry/inspect-reference';
import { bootcLabels, pushImage, registrySkipReason, startRegistry, type LoopbackRegistry } from '../../helpers/oci-registry';

const skip = registrySkipReason();

function countingFetch(seen: string[]): typeof fetch {
  return (input, init) => {
    seen.push(String(input));
    return fetch(input, init);
  };
}

describe('registry source on a real loopback registry', { skip: skip ?? false }, () => {
  let registry: LoopbackRegistry;

  before(async () => {
    registry = await startRegistry();
    const created = '2025-11-01T10:00:00Z';
    for (const tag of ['41', '42', '43', '43.20251101.0']) {
      pushImage(registry.host, 'fedora/fedora-iot', tag, { architectures: ['arm64', 'amd64'], labels: bootcLabels('43'), created });
    }
    for (const tag of ['42', '43', 'rawhide']) {
      pushImage(registry.host, 'fedora/fedora-bootc', tag, { architectures: ['arm64', 'amd64', 'ppc64le'], labels: bootcLabels(tag), created: '2025-10-20T08:00:00Z' });
    }
    pushImage(registry.host, 'acme/plain', '1', { architectures: ['amd64'], labels: { 'org.opencontainers.image.title': 'not bootc' }, created });
  });

  after(async () => {
    await registry?.stop();
  });

  it('lists release tags newest first with architectures, labels, dates and digests', async () => {
    const source = registrySource({ repo: `${registry.host}/fedora/fedora-iot`, insecureRegistries: [registry.host], credentials: async () => null });
    const outcome = await source.run({ previous: undefined, known: [], timeoutMs: 5000 });
    assert.deepEqual(outcome.entries.map((e) => e.version), ['43', '42', '41']);
    const newest = outcome.entries[0]!;
    assert.equal(newest.kind, 'bootc-container');
    assert.equal(newest.variant, 'fedora-iot');
    assert.equal(newest.reference, `${registry.host}/fedora/fedora-iot:43`);
    assert.deepEqual(newest.architectures, ['aarch64', 'x86_64']);
    assert.equal(newest.labels['containers.bootc'], '1');
    assert.equal(newest.labels['org.opencontainers.image.version'], '43.20251101.0');
    assert.equal(newest.date, '2025-11-01');
    const accept = { Accept: 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json' };
    const head = await fetch(`http://${registry.host}/v2/fedora/fedora-iot/manifests/43`, { method: 'HEAD', headers: accept });
    assert.equal(newest.digest, head.headers.get('docker-content-digest'));
    // The size is what pulling one platform downloads: its layers as stored in the registry.
    const index = (await (await fetch(`http://${registry.host}/v2/fedora/fedora-iot/manifests/43`, { headers: accept })).json()) as { manifests: { digest: string }[] };
    const arm = (await (await fetch(`http://${registry.host}/v2/fedora/fedora-iot/manifests/${index.manifests[0]!.digest}`, { headers: accept })).json()) as { layers: { size: number }[] };
    assert.equal(newest.size, arm.layers.reduce((sum, l) => sum + l.size, 0));
    assert.ok((newest.size ?? 0) > 0);
  });

  it('drops architectures it cannot flash and marks rawhide as a prerelease', async () => {
    const source = registrySource({ repo: `${registry.host}/fedora/fedora-bootc`, insecureRegistries: [registry.host], credentials: async () => null });
    const { entries } = await source.run({ previous: undefined, known: [], timeoutMs: 5000 });
    assert.deepEqual(entries.map((e) => `${e.version}:${e.stable}:${e.architectures.join(',')}`), ['43:true:aarch64,x86_64', '42:true:aarch64,x86_64', 'rawhide:false:aarch64,x86_64']);
  });

  it('reads manifests of the newest N release tags only', async () => {
    const seen: string[] = [];
    const source = registrySource({ repo: `${registry.host}/fedora/fedora-iot`, insecureRegistries: [registry.host], tagLimit: 1, credentials: async () => null });
    const { entries } = await source.run({ previous: undefined, known: [], timeoutMs: 5000, fetchImpl: countingFetch(seen) });
    assert.deepEqual(entries.map((e) => e.version), ['43']);
    assert.ok(!seen.some((u) => /manifests\/(41|42)$/.test(u)), seen.join('\n'));
    assert.ok(seen.length <= 4, `tags, index, one manifest, one config: ${seen.length} requests`);
  });

  it('lists every tag once from a registry that ignores the page size', async () => {
    // Debian's docker-registry 2.8 answers the whole list whatever `n` says: asking for the
    // next page must not loop. (Paging with Link headers is tested behind the token proxy.)
    const seen: string[] = [];
    const client = new RegistryClient({ registry: registry.host, insecure: true, credentials: null, timeoutMs: 5000, fetchImpl: countingFetch(seen) });
    const tags = await listTags(client, 'fedora/fedora-iot', 2);
    assert.deepEqual([...tags].sort(), ['41', '42', '43', '43.20251101.0']);
    assert.ok(seen.length <= 2, seen.join('\n'));
  });

  it('leaves out images that are not bootc images, and says so', async () => {
    const source = registrySource({ repo: `${registry.host}/acme/plain`, insecureRegistries: [registry.host], credentials: async () => null });
    const outcome = await source.run({ previous: undefined, known: [], timeoutMs: 5000 });
    assert.deepEqual(outcome.entries, []);
    assert.match(outcome.note ?? '', /1 tag\(s\) are not bootc images/);
  });

  it('fails with the HTTP status for a repository that does not exist', async () => {
    const source = registrySource({ repo: `${registry.host}/nobody/nothing`, insecureRegistries: [registry.host], credentials: async () => null });
    await assert.rejects(source.run({ previous: undefined, known: [], timeoutMs: 5000 }), /HTTP 404/);
  });

  it('looks up a container reference a user adds: platforms for a bootc image, a clear refusal otherwise', async () => {
    const options = { insecureRegistries: [registry.host], timeoutMs: 5000, credentials: async () => null };
    const entry = await inspectReference(`${registry.host}/fedora/fedora-bootc:rawhide`, options);
    assert.equal(entry.reference, `${registry.host}/fedora/fedora-bootc:rawhide`);
    assert.equal(entry.source, 'custom');
    assert.deepEqual(entry.architectures, ['aarch64', 'x86_64']);
    assert.equal(entry.stable, false);
    await assert.rejects(inspectReference(`${registry.host}/acme/plain:1`, options), (e: unknown) => (e as { code?: string }).code === 'INVALID_INPUT' && /not a bootc image/.test((e as Error).message));
    await assert.rejects(inspectReference(`${registry.host}/fedora/fedora-iot:99`, options), /HTTP 404/);
    await assert.rejects(inspectReference('not a reference', options), (e: unknown) => (e as { code?: string }).code === 'INVALID_INPUT');
  });

  it('on the next refresh, re-reads only the tags that moved', async () => {
    const repo = 'fedora/fedora-moving';
    for (const tag of ['42', '43']) pushImage(registry.host, repo, tag, { architectures: ['arm64', 'amd64'], labels: bootcLabels(tag), created: '2025-11-01T00:00:00Z' });
    const source = registrySource({ repo: `${registry.host}/${repo}`, insecureRegistries: [registry.host], credentials: async () => null });
    const first = await source.run({ previous: undefined, known: [], timeoutMs: 5000 });
    const previous = { entries: first.entries, validators: {}, checkedAt: null };

    const calls: string[] = [];
    const counting: typeof fetch = (input, init) => {
      calls.push(`${init?.method ?? 'GET'} ${String(input).replace(/^.*\/v2\//, '')}`);
      return fetch(input, init);
    };
    const unchanged = await source.run({ previous, known: [], timeoutMs: 5000, fetchImpl: counting });
    assert.deepEqual(unchanged.entries, first.entries);
    assert.deepEqual(calls.sort(), [`GET ${repo}/tags/list?n=200`, `HEAD ${repo}/manifests/42`, `HEAD ${repo}/manifests/43`]);

    // 43 is rebuilt (new creation date): its digest moves, so only 43 is read again.
    pushImage(registry.host, repo, '43', { architectures: ['arm64', 'amd64'], labels: bootcLabels('43'), created: '2025-12-01T00:00:00Z' });
    calls.length = 0;
    const moved = await source.run({ previous, known: [], timeoutMs: 5000, fetchImpl: counting });
    assert.equal(moved.entries.find((e) => e.version === '43')?.date, '2025-12-01');
    assert.notEqual(moved.entries.find((e) => e.version === '43')?.digest, first.entries.find((e) => e.version === '43')?.digest);
    assert.ok(calls.some((c) => c.startsWith(`GET ${repo}/manifests/43`)));
    assert.ok(!calls.some((c) => c.startsWith(`GET ${repo}/manifests/42`)), calls.join('\n'));
  });
});
