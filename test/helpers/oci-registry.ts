/**
 * A real OCI distribution registry on loopback (Debian's `docker-registry`), started by the test on
 * a free port with its storage in a temp folder, and multi-arch bootc-shaped images the test builds
 * as OCI layouts and pushes with skopeo, exactly as a user's `skopeo copy --all` would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { commandsSkipReason, run } from './system';

export function registrySkipReason(): string | null {
  return commandsSkipReason('docker-registry', 'skopeo');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface LoopbackRegistry {
  /** host:port, as in image references. */
  host: string;
  stop(): Promise<void>;
}

export async function startRegistry(): Promise<LoopbackRegistry> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-registry-'));
  const port = await freePort();
  const config = path.join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(dir, 'storage')}`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    try {
      const response = await fetch(`http://${host}/v2/`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`docker-registry did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    async stop() {
      // Idempotent: a test may stop the registry mid-way to take the source down.
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestImage {
  /** OCI architectures, e.g. ['arm64', 'amd64']. */
  architectures: string[];
  labels: Record<string, string>;
  created: string;
}

function writeBlob(layout: string, content: Buffer | string): { digest: string; size: number } {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  const hex = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(path.join(layout, 'blobs', 'sha256', hex), bytes);
  return { digest: `sha256:${hex}`, size: bytes.length };
}

/** A multi-arch OCI image layout: an index of one manifest per architecture, tiny layers, labelled configs. */
export function buildImageLayout(layout: string, image: TestImage, tag: string): void {
  mkdirSync(path.join(layout, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const manifests = image.architectures.map((architecture) => {
    // An empty tar (two zero blocks) per arch; its content differs by arch so the digests differ.
    const layer = writeBlob(layout, Buffer.concat([Buffer.from(architecture.padEnd(16, ' ')), Buffer.alloc(1024 - 16)]));
    const config = writeBlob(
      layout,
      JSON.stringify({
        architecture,
        os: 'linux',
        created: image.created,
        config: { Labels: image.labels },
        rootfs: { type: 'layers', diff_ids: [layer.digest] },
      }),
    );
    const manifest = writeBlob(
      layout,
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
      }),
    );
    return { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, platform: { architecture, os: 'linux' } };
  });
  const index = writeBlob(layout, JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  writeFileSync(
    path.join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', ...index, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
}

/** Builds the image and pushes it with `skopeo copy --all` to host/repository:tag. */
export function pushImage(host: string, repository: string, tag: string, image: TestImage): void {
  const layout = mkdtempSync(path.join(os.tmpdir(), 'fiot-oci-'));
  try {
    buildImageLayout(layout, image, tag);
    run('skopeo', ['copy', '--all', '--quiet', '--dest-tls-verify=false', `oci:${layout}:${tag}`, `docker://${host}/${repository}:${tag}`]);
  } finally {
    rmSync(layout, { recursive: true, force: true });
  }
}

/** The labels Fedora's bootc images carry. */
export function bootcLabels(version: string): Record<string, string> {
  return { 'containers.bootc': '1', 'ostree.bootable': 'true', 'org.opencontainers.image.version': `${version}.20251101.0` };
}
