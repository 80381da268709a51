/**
 * The podman command lines a build runs, composed in one place so tests can assert them exactly.
 * bootc-image-builder must run rootful: it loop-mounts and partitions inside a privileged container
 * and reads the source image from root's container storage (/var/lib/containers/storage).
 */
import type { BuildArch, BuildRootfs } from '../../../shared/domain/build';

export const BUILDER_IMAGE = 'quay.io/centos-bootc/bootc-image-builder:latest';

/** Where bootc-image-builder leaves a raw image inside its /output volume. */
export const RAW_IMAGE_RELATIVE_PATH = 'image/disk.raw';

/** The builder names architectures the Go way; it accepts both spellings, we pass the documented one. */
export const builderArch: Record<BuildArch, string> = { aarch64: 'arm64', x86_64: 'amd64' };

/** Node's name for the host architecture, in our terms (null for anything we cannot build on). */
export function hostArch(nodeArch: string = process.arch): BuildArch | null {
  if (nodeArch === 'arm64') return 'aarch64';
  if (nodeArch === 'x64') return 'x86_64';
  return null;
}

export function containerName(buildId: string): string {
  return `fiot-build-${buildId}`;
}

export interface BuilderRunOptions {
  buildId: string;
  reference: string;
  arch: BuildArch;
  rootfs: BuildRootfs;
  /** Host folder mounted as /output. */
  outputDir: string;
  /** Host path of config.toml, when there is one. */
  configPath?: string;
  /** UID:GID that should own the output (when podman runs elevated for a normal user). */
  chown?: string;
  /** The architecture of this machine; --target-arch is only passed for a cross build. */
  host: BuildArch | null;
  builderImage?: string;
}

export function builderRunArgs(o: BuilderRunOptions): string[] {
  const args = [
    'run', '--rm', '--privileged', '--pull=newer',
    '--security-opt', 'label=type:unconfined_t',
    '--name', containerName(o.buildId),
    '-v', `${o.outputDir}:/output`,
    '-v', '/var/lib/containers/storage:/var/lib/containers/storage',
  ];
  if (o.configPath) args.push('-v', `${o.configPath}:/config.toml:ro`);
  args.push(o.builderImage ?? BUILDER_IMAGE, '--type', 'raw', '--rootfs', o.rootfs);
  if (o.arch !== o.host) args.push('--target-arch', builderArch[o.arch]);
  args.push('--progress', 'verbose');
  if (o.chown) args.push('--chown', o.chown);
  // Last, so that nothing after it can be read as the builder's own flag.
  args.push(o.reference);
  return args;
}

/**
 * The builder reads the source image from root's storage only (--local is its default since 2024),
 * so the image is pulled first, for the target's platform.
 */
export function sourcePullArgs(reference: string, arch: BuildArch): string[] {
  return ['pull', '--platform', `linux/${builderArch[arch]}`, reference];
}

export function imageDigestArgs(reference: string): string[] {
  return ['image', 'inspect', '--format', '{{.Digest}}', reference];
}

export function stopArgs(buildId: string): string[] {
  return ['stop', '--time', '10', containerName(buildId)];
}

export interface Elevation {
  command: string;
  args: string[];
  /** Plain words for the log: how podman is being run. */
  note: string | null;
}

/**
 * Only podman is elevated, never the app: on Linux as a normal user it runs through pkexec (the
 * desktop's administrator prompt). As root, or on macOS/Windows (a rootful podman machine), as is.
 */
export function elevate(command: string, args: string[], env: { platform: NodeJS.Platform; uid: number | null; pkexec: string | null }): Elevation {
  if (env.platform === 'linux' && env.uid !== 0) {
    // Without a pkexec in the system folders the preflight has already said to install polkit;
    // the fixed path then fails as "not found" rather than running one from the user's PATH.
    return { command: env.pkexec ?? '/usr/bin/pkexec', args: [command, ...args], note: 'podman runs as root through pkexec: approve the administrator prompt.' };
  }
  return { command, args, note: null };
}

/** pkexec's own exit statuses: the prompt was dismissed (126) or authorization failed (127). */
export function isElevationRefused(code: number | null): boolean {
  return code === 126 || code === 127;
}
