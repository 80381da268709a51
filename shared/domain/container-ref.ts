/**
 * Container image references as podman and skopeo write them: `quay.io/fedora/fedora-iot:42`,
 * `registry.example.com:5000/me/my-iot@sha256:...`. A name without a registry host means Docker Hub,
 * as in the container tools.
 */
import { FiotError } from '../errors';

export interface ContainerRef {
  /** Host (and port) as written, e.g. quay.io, 127.0.0.1:5000, docker.io. */
  registry: string;
  /** Path inside the registry, e.g. fedora/fedora-iot. */
  repository: string;
  tag: string | null;
  digest: string | null;
}

const component = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const digestPattern = /^sha256:[0-9a-f]{64}$/;

function looksLikeHost(part: string): boolean {
  return part.includes('.') || part.includes(':') || part === 'localhost';
}

/** Parses `[registry/]repository[:tag][@digest]`; throws INVALID_INPUT with what to write instead. */
export function parseContainerRef(value: string): ContainerRef {
  const invalid = () =>
    new FiotError('INVALID_INPUT', `“${value}” is not a container image reference.`, 'Write it like quay.io/fedora/fedora-iot:42 (registry/repository:tag).');
  let rest = value.trim();
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) throw invalid();
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  if (parts.length > 1 && looksLikeHost(parts[0] ?? '')) registry = parts.shift() ?? registry;
  let tag: string | null = null;
  const last = parts[parts.length - 1] ?? '';
  const colon = last.lastIndexOf(':');
  if (colon >= 0) {
    tag = last.slice(colon + 1);
    parts[parts.length - 1] = last.slice(0, colon);
    if (!tagPattern.test(tag)) throw invalid();
  }
  if (parts.length === 0 || !parts.every((p) => component.test(p))) throw invalid();
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  return { registry, repository: parts.join('/'), tag, digest };
}
