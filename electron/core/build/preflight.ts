/**
 * Everything checked before bootc-image-builder runs, each failure with the fix in plain words:
 * podman present and recent enough, rootful access, disk space, an architecture this machine can
 * build, and the builder image present or pullable.
 */
import { existsSync, readFileSync, statfsSync } from 'node:fs';
import path from 'node:path';
import type { BuildArch, PreflightCheck } from '../../../shared/domain/build';
import { FiotError } from '../../../shared/errors';
import { BUILDER_IMAGE, hostArch } from './podman-command';
import type { PodmanRunner } from './podman-process';

/**
 * Podman 4 is the oldest podman the builder's documented command line (--pull=newer, image
 * storage shared with the host) is used with in the distributions it targets (RHEL/CentOS 9 ship
 * 4.x); Podman Desktop asks for 5 only for its podman machine on macOS and Windows.
 */
export const MIN_PODMAN_VERSION = [4, 0, 0] as const;

/** A raw image is a ~10 GiB (sparse) disk file, and osbuild's store needs room beside it. */
export const MIN_OUTPUT_BYTES = 10 * 1024 ** 3;
/** The builder image (~1 GiB) plus the source container (1-2 GiB) in root's container storage. */
export const MIN_STORAGE_BYTES = 4 * 1024 ** 3;
export const CONTAINER_STORAGE = '/var/lib/containers';

export interface PreflightDeps {
  runner: PodmanRunner;
  podman: string;
  platform: NodeJS.Platform;
  uid: number | null;
  /** Whether pkexec is installed (how a normal user gets rootful podman on Linux). */
  hasPkexec: boolean;
  /** Set when podman would run as root but the one named is not the system's: it is then never run. */
  podmanOutsideSystem?: string;
  nodeArch?: string;
  binfmtDir?: string;
  freeBytes?: (dir: string) => number;
  minOutputBytes?: number;
  minStorageBytes?: number;
}

export interface PreflightOptions {
  arch: BuildArch;
  outputDir: string;
  builderImage?: string;
}

const GiB = 1024 ** 3;

/** Free bytes for an unprivileged writer on the filesystem holding `dir` (or its nearest existing parent). */
export function freeBytesAt(dir: string): number {
  let probe = path.resolve(dir);
  while (!existsSync(probe) && path.dirname(probe) !== probe) probe = path.dirname(probe);
  const stats = statfsSync(probe);
  return stats.bavail * stats.bsize;
}

export function parsePodmanVersion(json: string): string | null {
  try {
    const data = JSON.parse(json) as { Client?: { Version?: string }; Server?: { Version?: string }; Version?: string };
    return data.Client?.Version ?? data.Server?.Version ?? data.Version ?? null;
  } catch {
    return null;
  }
}

export function versionAtLeast(version: string, minimum: readonly number[]): boolean {
  const parts = version.split(/[.+-]/).slice(0, 3).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < minimum.length; i++) {
    const have = parts[i] ?? 0;
    const want = minimum[i] ?? 0;
    if (have !== want) return have > want;
  }
  return true;
}

function installHint(platform: NodeJS.Platform): string {
  if (platform === 'linux') return 'Install podman: sudo dnf install podman (Fedora) or sudo apt-get install podman (Debian, Ubuntu).';
  return 'Install Podman Desktop from https://podman-desktop.io and create a rootful podman machine.';
}

export async function runPreflight(options: PreflightOptions, deps: PreflightDeps): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  const builder = options.builderImage ?? BUILDER_IMAGE;

  if (deps.podmanOutsideSystem) {
    checks.push({
      id: 'podman',
      label: 'podman is installed',
      ok: false,
      detail: `A build runs podman as root, so only a podman installed in the system folders is run, not ${deps.podmanOutsideSystem}.`,
      fix: 'Install podman with the system\'s package manager (sudo dnf install podman, or sudo apt-get install podman) and unset FIOT_PODMAN, or name that one (FIOT_PODMAN=/usr/bin/podman).',
    });
    return checks;
  }
  // `podman version` needs no privileges, so it is asked without elevation.
  const version = await deps.runner.exec(['version', '--format', 'json'], { elevated: false });
  if (version.notFound) {
    checks.push({ id: 'podman', label: 'podman is installed', ok: false, detail: `podman (“${deps.podman}”) is not installed.`, fix: installHint(deps.platform) });
    return checks;
  }
  const found = parsePodmanVersion(version.stdout);
  if (!found) {
    const why = lastLine(version.stderr) || 'it printed no version';
    checks.push({ id: 'podman', label: 'podman is installed', ok: false, detail: `podman does not run properly: ${why}.`, fix: 'Run “podman version” in a terminal and repair podman until it answers.' });
    return checks;
  }
  checks.push({ id: 'podman', label: 'podman is installed', ok: true, detail: `podman ${found}` });
  const minimum = MIN_PODMAN_VERSION.join('.');
  if (!versionAtLeast(found, MIN_PODMAN_VERSION)) {
    checks.push({ id: 'podman-version', label: `podman ${minimum} or newer`, ok: false, detail: `podman ${found} is too old; building needs podman ${minimum} or newer.`, fix: 'Update podman: sudo dnf upgrade podman (Fedora) or sudo apt-get install --only-upgrade podman (Debian, Ubuntu).' });
  } else {
    checks.push({ id: 'podman-version', label: `podman ${minimum} or newer`, ok: true, detail: `podman ${found}` });
  }

  checks.push(await rootfulCheck(deps));
  checks.push(spaceCheck(options.outputDir, deps));
  checks.push(archCheck(options.arch, deps));

  if (checks.every((c) => c.ok)) checks.push(await builderCheck(builder, deps));
  return checks;
}

async function rootfulCheck(deps: PreflightDeps): Promise<PreflightCheck> {
  const label = 'podman can run as root';
  if (deps.platform === 'linux') {
    if (deps.uid === 0) return { id: 'rootful', label, ok: true, detail: 'running as root' };
    if (deps.hasPkexec) return { id: 'rootful', label, ok: true, detail: 'podman will run through pkexec (you approve an administrator prompt)' };
    return { id: 'rootful', label, ok: false, detail: 'The builder needs root (rootful podman), and pkexec is not installed to ask for it.', fix: 'Run the build as root (sudo fiot-flash build ...), or install polkit: sudo dnf install polkit (Fedora) or sudo apt-get install pkexec (Debian, Ubuntu).' };
  }
  const info = await deps.runner.exec(['info', '--format', 'json']);
  let rootless: boolean | null;
  try {
    rootless = Boolean((JSON.parse(info.stdout) as { host?: { security?: { rootless?: boolean } } }).host?.security?.rootless);
  } catch {
    rootless = null;
  }
  if (rootless === false) return { id: 'rootful', label, ok: true, detail: 'the podman machine is rootful' };
  return { id: 'rootful', label, ok: false, detail: 'The podman machine runs rootless; the builder needs a rootful one.', fix: 'Run: podman machine stop; podman machine set --rootful; podman machine start' };
}

function spaceCheck(outputDir: string, deps: PreflightDeps): PreflightCheck {
  const free = deps.freeBytes ?? freeBytesAt;
  const needOut = deps.minOutputBytes ?? MIN_OUTPUT_BYTES;
  const needStore = deps.minStorageBytes ?? MIN_STORAGE_BYTES;
  const label = 'enough free disk space';
  const short: string[] = [];
  const outFree = free(outputDir);
  if (outFree < needOut) short.push(`${outputDir} has ${gib(outFree)} free; a raw image needs about ${gib(needOut)}`);
  const storeFree = free(CONTAINER_STORAGE);
  if (storeFree < needStore) short.push(`${CONTAINER_STORAGE} has ${gib(storeFree)} free; the builder and the container image need about ${gib(needStore)}`);
  if (short.length) {
    return { id: 'disk-space', label, ok: false, detail: `Not enough disk space: ${short.join('; ')}.`, fix: 'Free some space there (for example: podman image prune, or remove old builds with fiot-flash cache prune), or choose another output folder with --output.' };
  }
  return { id: 'disk-space', label, ok: true, detail: `${gib(outFree)} free for the image` };
}

function archCheck(arch: BuildArch, deps: PreflightDeps): PreflightCheck {
  const host = hostArch(deps.nodeArch);
  const label = `this machine can build ${arch} images`;
  if (host === arch) return { id: 'architecture', label, ok: true, detail: `native ${arch} build` };
  if (!host) return { id: 'architecture', label, ok: false, detail: `bootc-image-builder runs on aarch64 and x86_64 machines only; this one is ${deps.nodeArch ?? process.arch}.`, fix: 'Build on an aarch64 or x86_64 machine.' };
  const handler = path.join(deps.binfmtDir ?? '/proc/sys/fs/binfmt_misc', `qemu-${arch}`);
  let enabled: boolean;
  try {
    enabled = readFileSync(handler, 'utf8').startsWith('enabled');
  } catch {
    enabled = false;
  }
  if (enabled) return { id: 'architecture', label, ok: true, detail: `cross build from ${host} through qemu-user-static (slow)` };
  return {
    id: 'architecture',
    label,
    ok: false,
    detail: `This is an ${host} machine; building ${arch} images here needs qemu-user-static, which is not set up (no ${handler}).`,
    fix: `Install it: sudo dnf install qemu-user-static (Fedora) or sudo apt-get install qemu-user-static binfmt-support (Debian, Ubuntu); or build on an ${arch} machine.`,
  };
}

const BUILDER_LABEL = 'the builder image is available';

/**
 * Only looks: a missing builder image is pulled by the build session itself. Asking root's
 * storage as a normal user would cost an administrator prompt, so then the build answers it.
 */
async function builderCheck(builder: string, deps: PreflightDeps): Promise<PreflightCheck> {
  if (deps.platform === 'linux' && deps.uid !== 0) {
    return { id: 'builder-image', label: BUILDER_LABEL, ok: true, detail: `${builder} is checked (and pulled if needed) when the build starts` };
  }
  const exists = await deps.runner.exec(['image', 'exists', builder]);
  if (exists.code === 0) return { id: 'builder-image', label: BUILDER_LABEL, ok: true, detail: `${builder} is present` };
  return { id: 'builder-image', label: BUILDER_LABEL, ok: true, detail: `${builder} will be pulled when the build starts` };
}

/** The check as it reads when the build session could not pull the builder image. */
export function builderUnpullable(builder: string, podmanError: string): PreflightCheck {
  return {
    id: 'builder-image',
    label: BUILDER_LABEL,
    ok: false,
    detail: `podman could not pull the builder image ${builder}: ${podmanError}`,
    fix: `Check the network connection and that quay.io is reachable, then try “podman pull ${builder}” by hand.`,
  };
}

/** Throws PREFLIGHT_FAILED naming every failed check and its fix, or returns when all passed. */
export function assertPreflight(checks: PreflightCheck[]): void {
  const failed = checks.filter((c) => !c.ok);
  if (!failed.length) return;
  const message = failed.map((c) => `${c.detail ?? c.label}${c.fix ? ` ${c.fix}` : ''}`).join('\n');
  throw new FiotError('PREFLIGHT_FAILED', message);
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop()?.replace(/^Error:\s*/, '') ?? '';
}

function gib(bytes: number): string {
  return `${(bytes / GiB).toFixed(1)} GiB`;
}
