/**
 * A build's privileged podman steps as one shell session, so a normal user approves a single
 * administrator prompt (pkexec) instead of one per podman call: make sure the builder image is
 * there, pull the source into root's storage, read its digest, then run the builder. Marker
 * lines tell the job which step is running; a cancel file stops the session between steps, or
 * stops the builder's container from inside the session.
 */
import type { PreflightCheck } from '../../../shared/domain/build';
import { FiotError } from '../../../shared/errors';
import { builderRunArgs, imageDigestArgs, isElevationRefused, sourcePullArgs, stopArgs, type BuilderRunOptions } from './podman-command';
import type { ExecResult } from './podman-process';
import { assertPreflight, builderUnpullable } from './preflight';

export type SessionStep = 'builder' | 'source' | 'build';

const STEP = '@@fiot-step ';
const DIGEST = '@@fiot-digest ';

/** POSIX single quoting: every value reaches podman as exactly one argument, whatever it holds. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const command = (words: string[]) => words.map(shellQuote).join(' ');

export interface SessionOptions extends BuilderRunOptions {
  podman: string;
  builderImage: string;
  /** When this file appears the session stops: before its next step, or the running builder. */
  cancelFile: string;
}

export function buildSessionScript(o: SessionOptions): string {
  const podman = (args: string[]) => command([o.podman, ...args]);
  const cancelled = `[ -e ${shellQuote(o.cancelFile)} ]`;
  const step = (name: SessionStep) => `${cancelled} && exit 130\necho ${shellQuote(STEP + name)}`;
  return [
    'set -u',
    // Ctrl-C reaches the app, which cancels through the file; the session must outlive it to stop the container.
    "trap '' INT",
    step('builder'),
    `${podman(['image', 'exists', o.builderImage])} || ${podman(['pull', o.builderImage])} || exit $?`,
    step('source'),
    `${podman(sourcePullArgs(o.reference, o.arch))} || exit $?`,
    `echo "${DIGEST}$(${podman(imageDigestArgs(o.reference))} 2>/dev/null)"`,
    step('build'),
    // The builder runs in the background so the (root) session itself can stop it on cancel:
    // an elevated build is cancelled without a second administrator prompt.
    `${podman(builderRunArgs(o))} &`,
    'builder=$!',
    'stopping=',
    'while kill -0 "$builder" 2>/dev/null; do',
    `  if [ -z "$stopping" ] && ${cancelled}; then stopping=1; ${podman(stopArgs(o.buildId))} >/dev/null 2>&1; fi`,
    '  sleep 1',
    'done',
    'wait "$builder"',
  ].join('\n');
}

export type SessionLine = { kind: 'step'; step: SessionStep } | { kind: 'digest'; digest: string } | { kind: 'log'; line: string };

export function parseSessionLine(line: string): SessionLine {
  if (line.startsWith(STEP)) return { kind: 'step', step: line.slice(STEP.length).trim() as SessionStep };
  if (line.startsWith(DIGEST)) return { kind: 'digest', digest: line.slice(DIGEST.length).trim() };
  return { kind: 'log', line };
}

/**
 * What a failed session means for a person, by the step it stopped in: the prompt refused, the
 * builder image unreachable (a preflight failure), the source not pullable, or the builder's error.
 */
export function sessionFailure(step: SessionStep | null, result: ExecResult, o: { reference: string; builderImage: string; elevated: boolean }): { error: FiotError; check?: PreflightCheck } {
  const why = lastLine(result.stderr) || `exit status ${result.code}`;
  if (step === null && o.elevated && isElevationRefused(result.code)) {
    return { error: new FiotError('PERMISSION_DENIED', 'Building needs podman to run as root, and the administrator prompt was dismissed or refused.', 'Start the build again and approve the prompt, or run it with sudo.') };
  }
  if (step === null) {
    return { error: new FiotError('BUILD_FAILED', `podman could not be started for the build: ${why}`, 'Run “podman version” in a terminal and repair podman until it answers.') };
  }
  if (step === 'builder') {
    const check = builderUnpullable(o.builderImage, why);
    try {
      assertPreflight([check]);
    } catch (error) {
      return { error: error as FiotError, check };
    }
  }
  if (step === 'source') {
    return { error: new FiotError('BUILD_FAILED', `podman could not pull ${o.reference}: ${why}`, 'Check the image name and tag, your network, and that you are logged in to a private registry (podman login).') };
  }
  const builderError = firstError(result.stdout + result.stderr) || 'see the build log';
  return { error: new FiotError('BUILD_FAILED', `bootc-image-builder failed (exit status ${result.code}): ${builderError}`) };
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop()?.replace(/^Error:\s*/, '') ?? '';
}

/** The builder's own error line ("Error: cannot build manifest: ...") says more than the last one. */
function firstError(text: string): string {
  const line = text.split('\n').find((l) => /^Error: /.test(l));
  return (line ?? lastLine(text)).replace(/^Error:\s*/, '').trim();
}
