/**
 * One container reference a user typed (their own bootc image, `quay.io/me/my-iot:1`), looked up in
 * its registry: does it exist, is it a bootc image, which architectures does it offer. The answer is
 * a catalog entry, so the UI lists it next to Fedora's own.
 */
import type { CatalogEntry } from '../../../../shared/domain/catalog';
import { parseContainerRef } from '../../../../shared/domain/container-ref';
import { FiotError } from '../../../../shared/errors';
import type { FetchLike } from '../http';
import { findCredentials, type Credentials } from './auth-file';
import { RegistryClient } from './client';
import { inspectTag } from './manifests';
import { containerEntry, isBootcImage } from './registry-source';

export interface InspectOptions {
  insecureRegistries: string[];
  timeoutMs: number;
  fetchImpl?: FetchLike;
  credentials?: (registry: string, repository: string) => Promise<Credentials | null>;
}

export async function inspectReference(reference: string, options: InspectOptions): Promise<CatalogEntry> {
  const ref = parseContainerRef(reference);
  const tag = ref.digest ?? ref.tag ?? 'latest';
  const credentials = await (options.credentials ?? findCredentials)(ref.registry, ref.repository);
  const client = new RegistryClient({
    registry: ref.registry,
    insecure: options.insecureRegistries.includes(ref.registry),
    credentials,
    timeoutMs: options.timeoutMs,
    fetchImpl: options.fetchImpl,
  });
  const facts = await inspectTag(client, ref.repository, tag);
  const repo = `${ref.registry}/${ref.repository}`;
  const entry = { ...containerEntry(repo, tag, facts), source: 'custom', reference: `${repo}${ref.digest ? '@' : ':'}${tag}` };
  if (!isBootcImage(facts.labels)) {
    throw new FiotError('INVALID_INPUT', `${entry.reference} is not a bootc image (it has no containers.bootc label).`, 'Use an image built FROM a Fedora bootc image, such as quay.io/fedora/fedora-iot:42.');
  }
  if (entry.architectures.length === 0) {
    throw new FiotError('INVALID_INPUT', `${entry.reference} offers no aarch64 or x86_64 image.`, 'Build and push it for arm64 or amd64.');
  }
  return entry;
}
