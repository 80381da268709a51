/**
 * Every reason a test skips, tagged with who is to blame, for the runner's skip gate
 * (scripts/run-tests.mjs with scripts/skip-gate-reporter.mjs, which reads the same tags from
 * skip-tags.json). A skip for something CI always has (root, loop devices, Chromium, a Debian
 * package .ci/run installs) fails the run unless FIOT_ALLOW_SKIPS=1 says this machine cannot; a
 * skip for something only some machines have (an Electron binary, a real podman with its images)
 * passes. A reason without a tag fails like the first kind: a test may not skip quietly.
 */
import tags from './skip-tags.json';

/** A skip for something CI always provides: allowed only with FIOT_ALLOW_SKIPS=1. */
export function ciSkip(reason: string): string {
  return `${reason} ${tags['ci-provides']}`;
}

/** A skip for something only some machines have: always allowed. */
export function optionalSkip(reason: string): string {
  return `${reason} ${tags.optional}`;
}
