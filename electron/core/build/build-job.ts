/**
 * One build, start to finish: preflight, pull the container into root's storage, write the
 * config, run bootc-image-builder (streaming its log and a progress estimate), check the raw image,
 * put it in the cache (and --output DIR), record it in the history. Cancel stops the container by
 * the name we gave it and removes partial output.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildRequestSchema,
  type BuildLogLine,
  type BuildProgress,
  type BuildRecord,
  type BuildRequest,
  type PreflightCheck,
} from '../../../shared/domain/build';
import { FiotError, toErrorInfo } from '../../../shared/errors';
import { buildConfigToml, isEmptyCustomization } from './build-config-toml';
import { customizationsFromProfile } from './build-customizations';
import type { BuildHistory } from './build-history';
import { buildsDir, cachedBuildPath, checkBuiltImage, commitBuiltImage, placeInCache, removePartialOutput } from './build-output';
import type { ImageCache } from '../images/cache/image-cache';
import { BuildProgressEstimator } from './build-progress';
import { builderRunArgs, hostArch, imageDigestArgs, RAW_IMAGE_RELATIVE_PATH, sourcePullArgs, stopArgs } from './podman-command';
import type { ExecResult, PodmanRunner } from './podman-process';
import { assertPreflight, runPreflight, type PreflightDeps } from './preflight';

export interface BuildJobDeps {
  cacheDir: string;
  runner: PodmanRunner;
  history: BuildHistory;
  preflight: Omit<PreflightDeps, 'runner'>;
  /** UID:GID for the builder's --chown when podman runs elevated for a normal user. */
  chown?: string;
  builderImage?: string;
  /** The shared image cache; without it the image stays at cacheDir/builds/<id>/disk.raw. */
  imageCache?: ImageCache;
}

export interface BuildListener {
  log?(line: BuildLogLine): void;
  progress?(progress: BuildProgress): void;
}

export interface BuildJob {
  id: string;
  /** Settles with the final record (succeeded, failed or cancelled); never rejects. */
  done: Promise<{ record: BuildRecord; preflight: PreflightCheck[] }>;
  cancel(): Promise<boolean>;
}

export function newBuildId(): string {
  return `${new Date().toISOString().replace(/[-:TZ.]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
}

export function startBuild(input: BuildRequest, deps: BuildJobDeps, listener: BuildListener = {}): BuildJob {
  const parsed = buildRequestSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FiotError('INVALID_INPUT', `Build: ${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`);
  }
  const request = parsed.data;
  // Bad settings are refused here, before anything runs or is written.
  const customizations = customizationsFromProfile(request.profile, request.kernelAppend, request.counterStart);
  const configText = isEmptyCustomization(customizations) ? null : buildConfigToml(customizations);

  const id = newBuildId();
  const workDir = path.join(buildsDir(deps.cacheDir), id);
  const outputDir = request.outputDir ? path.resolve(request.outputDir) : path.join(workDir, 'output');
  const record: BuildRecord = { id, reference: request.reference, arch: request.arch, rootfs: request.rootfs, status: 'running', startedAt: new Date().toISOString() };
  const estimator = new BuildProgressEstimator();
  let current: ChildProcess | null = null;
  let builderRunning = false;
  let builderStarted = false;
  let cancelled = false;
  let outputCreated = false;
  let preflight: PreflightCheck[] = [];

  const log = (line: string, stream: 'stdout' | 'stderr') => {
    listener.log?.({ buildId: id, stream, line });
    const moved = estimator.observe(line);
    if (moved) listener.progress?.({ buildId: id, ...moved });
  };
  const phase = (...args: Parameters<BuildProgressEstimator['set']>) => {
    const moved = estimator.set(...args);
    if (moved) listener.progress?.({ buildId: id, ...moved });
  };
  const stream = async (args: string[]): Promise<ExecResult> => {
    if (cancelled) throw new FiotError('CANCELLED', 'The build was cancelled.');
    const run = deps.runner.stream(args, log);
    current = run.child;
    try {
      return await run.done;
    } finally {
      current = null;
    }
  };

  async function run(): Promise<void> {
    phase('preflight', 0, 'Checking this machine');
    if (deps.runner.elevationNote) log(deps.runner.elevationNote, 'stderr');
    preflight = await runPreflight({ arch: request.arch, outputDir, pullBuilder: true, builderImage: deps.builderImage }, { ...deps.preflight, runner: deps.runner });
    assertPreflight(preflight);
    if (existsSync(path.join(outputDir, RAW_IMAGE_RELATIVE_PATH))) {
      throw new FiotError('INVALID_INPUT', `${outputDir} already holds ${RAW_IMAGE_RELATIVE_PATH} from an earlier build.`, 'Move that image away, or choose another folder with --output.');
    }

    phase('pulling', 2, `Pulling ${request.reference}`);
    const pulled = await stream(sourcePullArgs(request.reference, request.arch));
    if (cancelled) throw new FiotError('CANCELLED', 'The build was cancelled.');
    if (pulled.code !== 0) {
      throw new FiotError('BUILD_FAILED', `podman could not pull ${request.reference}: ${lastLine(pulled.stderr) || `exit status ${pulled.code}`}`, 'Check the image name and tag, your network, and that you are logged in to a private registry (podman login).');
    }
    const inspected = await deps.runner.exec(imageDigestArgs(request.reference));
    const digest = inspected.stdout.trim();
    if (inspected.code === 0 && /^sha256:[a-f0-9]{64}$/.test(digest)) record.digest = digest;

    outputCreated = !existsSync(outputDir);
    mkdirSync(outputDir, { recursive: true });
    let configPath: string | undefined;
    if (configText) {
      mkdirSync(workDir, { recursive: true });
      configPath = path.join(workDir, 'config.toml');
      // It may carry password hashes: readable by its owner (and root, who runs the builder) only.
      writeFileSync(configPath, configText, { mode: 0o600 });
    }

    builderRunning = true;
    builderStarted = true;
    const built = await stream(builderRunArgs({ buildId: id, reference: request.reference, arch: request.arch, rootfs: request.rootfs, outputDir, configPath, chown: deps.chown, host: hostArch(deps.preflight.nodeArch), builderImage: deps.builderImage }));
    builderRunning = false;
    if (cancelled) throw new FiotError('CANCELLED', 'The build was cancelled.');
    if (built.code !== 0) {
      throw new FiotError('BUILD_FAILED', `bootc-image-builder failed (exit status ${built.code}): ${firstError(built.stdout + built.stderr) || 'see the build log'}`);
    }
    const image = checkBuiltImage(outputDir);
    phase('finishing', 99, 'Adding the image to the cache');
    const cached = cachedBuildPath(deps.cacheDir, id);
    placeInCache(image, cached, !request.outputDir);
    record.imagePath = cached;
    if (deps.imageCache) {
      const entry = await commitBuiltImage(deps.imageCache, cached, record);
      record.imagePath = deps.imageCache.abs(entry.file);
      record.sha256 = entry.sha256;
    }
    if (request.outputDir) record.outputPath = image;
    else rmSync(outputDir, { recursive: true, force: true });
    phase('done', 100, 'Build complete');
    record.status = 'succeeded';
  }

  const done = (async () => {
    deps.history.put(record);
    try {
      await run();
    } catch (error) {
      record.status = cancelled ? 'cancelled' : 'failed';
      record.error = cancelled ? new FiotError('CANCELLED', 'The build was cancelled.', 'Nothing was kept; start the build again when you are ready.').toInfo() : toErrorInfo(error);
      // Only what this build wrote is removed: never an image already there when it was refused.
      if ((builderStarted || outputCreated) && existsSync(outputDir)) removePartialOutput(outputDir, outputCreated);
      rmSync(cachedBuildPath(deps.cacheDir, id), { force: true });
    } finally {
      // Without the shared cache the image itself lives in workDir; otherwise nothing there is kept.
      if (record.status === 'succeeded' && !deps.imageCache) rmSync(path.join(workDir, 'config.toml'), { force: true });
      else rmSync(workDir, { recursive: true, force: true });
      record.endedAt = new Date().toISOString();
      deps.history.put(record);
    }
    return { record, preflight };
  })();

  async function cancel(): Promise<boolean> {
    if (record.status !== 'running' || cancelled) return false;
    cancelled = true;
    // The container outlives a killed podman client, so it is stopped by the name we gave it.
    if (builderRunning) await deps.runner.exec(stopArgs(id));
    const child = current as ChildProcess | null;
    if (child && child.exitCode === null) child.kill('SIGTERM');
    await done;
    return true;
  }

  return { id, done, cancel };
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop()?.replace(/^Error:\s*/, '') ?? '';
}

/** The builder's own error line ("Error: cannot build manifest: ...") says more than the last one. */
function firstError(text: string): string {
  const line = text.split('\n').find((l) => /^Error: /.test(l));
  return (line ?? lastLine(text)).replace(/^Error:\s*/, '').trim();
}
