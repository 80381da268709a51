/**
 * One container repository (quay.io/fedora/fedora-iot, or a user's own bootc image) as a catalog
 * source: its release tags, newest first and bounded, each with platforms, labels and digest.
 * Images that are not bootc images (no `containers.bootc` / `ostree.bootable` label) are left out:
 * they cannot become a bootable card.
 */
import { FiotError } from '../../../../shared/errors';
import type { CatalogEntry } from '../../../../shared/domain/catalog';
import { parseContainerRef } from '../../../../shared/domain/container-ref';
import type { CatalogSource } from '../source';
import { findCredentials, type Credentials } from './auth-file';
import { RegistryClient } from './client';
import { inspectTag, manifestAccept, type TagFacts } from './manifests';
import { isPrereleaseTag, selectReleaseTags } from './release-tags';
import { listTags } from './tags';

export interface RegistrySourceOptions {
  /** registry/repository, e.g. quay.io/fedora/fedora-iot. */
  repo: string;
  insecureRegistries: string[];
  /** Numbered releases inspected per repository. */
  tagLimit?: number;
  credentials?: (registry: string, repository: string) => Promise<Credentials | null>;
}

const keptLabels = /^(containers\.bootc|ostree\.bootable|ostree\.linux|org\.opencontainers\.image\.(version|created|title|description|source|url|vendor))$/;

export function isBootcImage(labels: Record<string, string>): boolean {
  return labels['containers.bootc'] === '1' || labels['ostree.bootable'] === '1' || labels['ostree.bootable'] === 'true';
}

/** The catalog entry for one inspected tag of `registry/repository`. */
export function containerEntry(repo: string, tag: string, facts: TagFacts): CatalogEntry {
  const created = facts.labels['org.opencontainers.image.created'] ?? facts.created;
  return {
    id: `oci:${repo}:${tag}`,
    kind: 'bootc-container',
    variant: repo.slice(repo.lastIndexOf('/') + 1),
    version: tag,
    architectures: facts.architectures,
    date: created && /^\d{4}-\d{2}-\d{2}/.test(created) ? created.slice(0, 10) : null,
    size: facts.size,
    imageSize: null,
    reference: `${repo}:${tag}`,
    sha256: null,
    digest: facts.digest,
    stable: !isPrereleaseTag(tag),
    source: `registry:${repo}`,
    labels: Object.fromEntries(Object.entries(facts.labels).filter(([key]) => keptLabels.test(key))),
  };
}

export function registrySource(options: RegistrySourceOptions): CatalogSource {
  const { registry, repository } = parseContainerRef(options.repo);
  const repo = `${registry}/${repository}`;
  return {
    id: `registry:${repo}`,
    owns: (entry) => entry.kind === 'bootc-container' && Boolean(entry.reference?.startsWith(`${repo}:`)),
    async run({ previous, timeoutMs, fetchImpl }) {
      const credentials = await (options.credentials ?? findCredentials)(registry, repository);
      const insecure = options.insecureRegistries.includes(registry);
      const client = new RegistryClient({ registry, insecure, credentials, timeoutMs, fetchImpl });
      const tags = selectReleaseTags(await listTags(client, repository), options.tagLimit ?? 4);
      const before = new Map((previous?.entries ?? []).map((e) => [e.version, e]));
      // A tag whose digest has not moved since the last refresh costs one HEAD instead of three GETs.
      const entryForTag = async (tag: string): Promise<CatalogEntry> => {
        const known = before.get(tag);
        if (known?.digest) {
          const digest = (await client.head(`${repository}/manifests/${tag}`, repository, manifestAccept)).get('docker-content-digest');
          if (digest === known.digest) return known;
        }
        return containerEntry(repo, tag, await inspectTag(client, repository, tag));
      };
      const results = await Promise.allSettled(tags.map(entryForTag));
      const inspected = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed && inspected.length === 0) throw failed.reason instanceof Error ? failed.reason : new FiotError('NETWORK', String(failed.reason));
      const entries = inspected.filter((e) => isBootcImage(e.labels) && e.architectures.length > 0);
      const notes: string[] = [];
      if (failed) notes.push(`${results.length - inspected.length} tag(s) could not be read`);
      if (entries.length < inspected.length) notes.push(`${inspected.length - entries.length} tag(s) are not bootc images`);
      return { entries, validators: {}, unchanged: false, ...(notes.length ? { note: notes.join('; ') } : {}) };
    },
  };
}
