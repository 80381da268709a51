/**
 * Reading one tag: its manifest (an index of per-platform manifests for multi-arch images, or a
 * single manifest), the platforms it offers, and the image config's labels and creation date.
 */
import type { Arch } from '../../../../shared/domain/board';
import type { RegistryClient } from './client';

export const manifestAccept = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: { architecture?: string; os?: string };
}

interface Manifest {
  mediaType?: string;
  manifests?: Descriptor[];
  config?: Descriptor;
  layers?: Descriptor[];
}

interface ImageConfig {
  architecture?: string;
  created?: string;
  config?: { Labels?: Record<string, string> | null };
}

/** OCI names → the names Fedora uses; other architectures (ppc64le, s390x) are not flashable here. */
const archNames: Record<string, Arch> = { arm64: 'aarch64', aarch64: 'aarch64', amd64: 'x86_64', x86_64: 'x86_64' };

export function toArch(ociArch: string | undefined): Arch | null {
  return (ociArch && archNames[ociArch]) || null;
}

export interface TagFacts {
  digest: string | null;
  architectures: Arch[];
  labels: Record<string, string>;
  created: string | null;
  /** Compressed bytes of one platform's layers: what a pull of that platform downloads. */
  size: number | null;
}

function isIndex(manifest: Manifest): boolean {
  return Array.isArray(manifest.manifests);
}

export async function inspectTag(client: RegistryClient, repository: string, tag: string): Promise<TagFacts> {
  const top = await client.getJson<Manifest>(`${repository}/manifests/${tag}`, repository, manifestAccept);
  const digest = top.headers.get('docker-content-digest');
  let image: Manifest = top.json;
  let architectures: Arch[] = [];
  if (isIndex(top.json)) {
    const platforms = (top.json.manifests ?? []).filter((m) => m.platform?.os !== 'unknown' && toArch(m.platform?.architecture));
    architectures = [...new Set(platforms.map((m) => toArch(m.platform?.architecture)).filter((a): a is Arch => a !== null))];
    const first = platforms[0];
    if (!first) return { digest, architectures: [], labels: {}, created: null, size: null };
    image = (await client.getJson<Manifest>(`${repository}/manifests/${first.digest}`, repository, manifestAccept)).json;
  }
  if (!image.config?.digest) return { digest, architectures, labels: {}, created: null, size: null };
  const config = (await client.getJson<ImageConfig>(`${repository}/blobs/${image.config.digest}`, repository)).json;
  if (architectures.length === 0) {
    const single = toArch(config.architecture);
    if (single) architectures = [single];
  }
  const size = image.layers?.reduce((sum, layer) => sum + (layer.size ?? 0), 0) ?? null;
  return { digest, architectures, labels: config.config?.Labels ?? {}, created: config.created ?? null, size };
}
