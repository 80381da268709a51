/**
 * One build, start to finish: preflight, write the config, then one podman session (see
 * build-session.ts: builder image, source pulled into root's storage, bootc-image-builder, all
 * behind a single elevation prompt) streaming its log and a progress estimate; check the raw
 * image, put it in the cache (and --output DIR), record it in the history. Cancel stops the
 * container by the name we gave it and removes partial output.
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
import type { ImageCache } from '../images/cache/image-cache';
import { buildsDir, cachedBuildPath, checkBuiltImage, commitBuiltImage, placeInCache, removePartialOutput } from './build-output';
import { BuildProgressEstimator } from './build-progress';
import { buildSessionScript, parseSessionLine, sessionFailure, type SessionStep } from './build-session';
import { BUILDER_IMAGE, hostArch, RAW_IMAGE_RELATIVE_PATH, stopArgs } from './podman-command';
import type { PodmanRunner } from './podman-process';
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
  const cancelFile = path.join(workDir, 'cancel');
  let current: ChildProcess | null = null;
  let step: SessionStep | null = null;
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
  const onSessionLine = (text: string, stream: 'stdout' | 'stderr') => {
    const line = parseSessionLine(text);
    if (line.kind === 'log') return log(line.line, stream);
    if (line.kind === 'digest') {
      if (/^sha256:[a-f0-9]{64}$/.test(line.digest)) record.digest = line.digest;
      return;
    }
    step = line.step;
    if (step === 'source') phase('pulling', 2, `Pulling ${request.reference}`);
    if (step === 'build') builderStarted = true;
  };

  async function run(): Promise<void> {
    phase('preflight', 0, 'Checking this machine');
    const builderImage = deps.builderImage ?? BUILDER_IMAGE;
    preflight = await runPreflight({ arch: request.arch, outputDir, builderImage }, { ...deps.preflight, runner: deps.runner });
    assertPreflight(preflight);
    if (existsSync(path.join(outputDir, RAW_IMAGE_RELATIVE_PATH))) {
      throw new FiotError('INVALID_INPUT', `${outputDir} already holds ${RAW_IMAGE_RELATIVE_PATH} from an earlier build.`, 'Move that image away, or choose another folder with --output.');
    }

    outputCreated = !existsSync(outputDir);
    mkdirSync(outputDir, { recursive: true });
    mkdirSync(workDir, { recursive: true });
    let configPath: string | undefined;
    if (configText) {
      configPath = path.join(workDir, 'config.toml');
      // It may carry password hashes: readable by its owner (and root, who runs the builder) only.
      writeFileSync(configPath, configText, { mode: 0o600 });
    }

    if (deps.runner.elevationNote) log(deps.runner.elevationNote, 'stderr');
    phase('pulling', 1, 'Checking the builder image');
    const script = buildSessionScript({
      podman: deps.preflight.podman, builderImage, cancelFile, buildId: id, reference: request.reference, arch: request.arch,
      rootfs: request.rootfs, outputDir, configPath, chown: deps.chown, host: hostArch(deps.preflight.nodeArch),
    });
    if (cancelled) throw new FiotError('CANCELLED', 'The build was cancelled.');
    const session = deps.runner.session(script, onSessionLine);
    current = session.child;
    const result = await session.done.finally(() => {
      current = null;
    });
    if (cancelled) throw new FiotError('CANCELLED', 'The build was cancelled.');
    if (result.code !== 0) {
      const failure = sessionFailure(step, result, { reference: request.reference, builderImage, elevated: deps.runner.elevated });
      if (failure.check) preflight = [...preflight.filter((c) => c.id !== failure.check!.id), failure.check];
      throw failure.error;
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
    // The session watches this file: it stops before its next step, or stops the builder's
    // container by the name we gave it (a container outlives a killed podman client).
    if (existsSync(workDir)) writeFileSync(cancelFile, '');
    // An elevated session is root's: only the file reaches it. Our own we stop at once: the
    // builder by its container name (the session then reaps it and ends), a pull by ending the
    // session's process group.
    if (!deps.runner.elevated) {
      const child = current as ChildProcess | null;
      if (step === 'build') await deps.runner.exec(stopArgs(id));
      else if (child?.pid && child.exitCode === null) killGroup(child.pid);
    }
    await done;
    return true;
  }

  return { id, done, cancel };
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // Already gone: nothing left to stop.
  }
}
