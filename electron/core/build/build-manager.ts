/**
 * The build domain as the app, the station and the CLI use it: start builds (several may run),
 * cancel them by id, list the history, run the preflight checklist on its own. Wires the real
 * podman runner and machine facts; tests hand in FIOT_PODMAN pointing at a stand-in.
 */
import path from 'node:path';
import type { BuildArch, BuildRequest, PreflightCheck } from '../../../shared/domain/build';
import type { AppConfig } from '../config';
import { BuildHistory } from './build-history';
import { startBuild, type BuildJob, type BuildJobDeps, type BuildListener } from './build-job';
import { buildsDir } from './build-output';
import { createPodmanRunner, currentRunnerEnv } from './podman-process';
import { runPreflight } from './preflight';
import { findOnPath, SYSTEM_PATH, systemToolNamed } from '../system-tools';
import { ImageCache } from '../images/cache/image-cache';

export class BuildManager {
  private readonly jobs = new Map<string, BuildJob>();
  readonly history: BuildHistory;
  private readonly deps: BuildJobDeps;

  constructor(config: Pick<AppConfig, 'configDir' | 'cacheDir' | 'podman'>, overrides: Partial<BuildJobDeps> = {}) {
    const host = currentRunnerEnv(config.podman);
    const elevated = host.platform === 'linux' && host.uid !== 0;
    // An absolute path: pkexec starts from a clean environment whose PATH may not find podman. A
    // podman that will run as root comes from the system folders, never the user's PATH or a path
    // of the user's own (FIOT_PODMAN=~/bin/podman): that one is refused by the preflight, unrun.
    const systemPodman = elevated ? systemToolNamed(config.podman) : null;
    const podman = elevated ? (systemPodman ?? config.podman) : config.podman.includes('/') ? config.podman : (findOnPath(config.podman) ?? config.podman);
    const runnerEnv = { ...host, podman };
    this.history = overrides.history ?? new BuildHistory(config.configDir);
    this.deps = {
      cacheDir: config.cacheDir,
      runner: createPodmanRunner(runnerEnv),
      history: this.history,
      preflight: {
        podman,
        platform: runnerEnv.platform,
        uid: runnerEnv.uid,
        hasPkexec: runnerEnv.pkexec !== null,
        ...(elevated && systemPodman === null ? { podmanOutsideSystem: `${config.podman} (not found in ${SYSTEM_PATH})` } : {}),
        // Where qemu-user-static registers its binfmt handlers; movable for containers and tests.
        binfmtDir: process.env.FIOT_BINFMT_DIR,
      },
      // Elevated podman would leave root-owned files behind; the builder hands them back to us.
      chown: elevated && typeof process.getgid === 'function' ? `${runnerEnv.uid}:${process.getgid()}` : undefined,
      imageCache: new ImageCache(config.cacheDir),
      ...overrides,
    };
  }

  preflight(arch: BuildArch, outputDir?: string): Promise<PreflightCheck[]> {
    const dir = outputDir ? path.resolve(outputDir) : buildsDir(this.deps.cacheDir);
    return runPreflight({ arch, outputDir: dir, builderImage: this.deps.builderImage }, { ...this.deps.preflight, runner: this.deps.runner });
  }

  start(request: BuildRequest, listener: BuildListener = {}): BuildJob {
    const job = startBuild(request, this.deps, listener);
    this.jobs.set(job.id, job);
    void job.done.finally(() => this.jobs.delete(job.id));
    return job;
  }

  async cancel(buildId: string): Promise<boolean> {
    const job = this.jobs.get(buildId);
    return job ? job.cancel() : false;
  }
}
