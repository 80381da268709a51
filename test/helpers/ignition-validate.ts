/**
 * Debian's ignition-validate (Ignition 2.14): the check Ignition itself runs at first boot,
 * independent of our own validator. Tests that use it list 'ignition-validate' among the commands
 * they need, so a machine without it skips them with that reason instead of checking less.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

export function ignitionValidate(text: string): { status: number | null; output: string } {
  const result = spawnSync('ignition-validate', ['-'], { input: text, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export function assertIgnitionValid(text: string): void {
  const check = ignitionValidate(text);
  assert.equal(check.status, 0, check.output);
}
