/**
 * What a test needs from the machine, and the reason it skips when the machine lacks it.
 * Tests that need root, loop devices or a Debian tool call these so they skip with a reason
 * instead of failing on a developer laptop; CI runs as root with everything installed, so these
 * reasons are tagged as ones the runner's skip gate refuses (see skip.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { checkinAddresses } from '../../electron/core/checkin/addresses';
import { ciSkip, optionalSkip } from './skip';

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Why a test that needs root (for `what`) cannot run here, or null when it can. */
export function rootSkipReason(what: string): string | null {
  return isRoot() ? null : ciSkip(`needs root ${what} (CI runs as root)`);
}

/** Why loop-device tests cannot run here, or null when they can. */
export function loopSkipReason(): string | null {
  if (process.platform !== 'linux') return ciSkip('loop devices are Linux only');
  const root = rootSkipReason('to attach loop devices');
  if (root) return root;
  if (!existsSync('/dev/loop-control')) return ciSkip('no /dev/loop-control on this machine');
  if (!hasCommand('losetup')) return ciSkip('losetup is not installed (apt-get install mount)');
  return null;
}

/** Why a test needing these commands cannot run, or null. */
/**
 * A check-in needs an address of this machine a device could reach: only loopback is never
 * offered (a device's 127.0.0.1 is itself), so a machine with no other skips such a test.
 */
export function reachableAddressSkipReason(): string | null {
  return checkinAddresses().addresses.length ? null : optionalSkip('this machine has no network address but loopback, so no check-in address is offered');
}

export function commandsSkipReason(...names: string[]): string | null {
  const missing = names.filter((n) => !hasCommand(n));
  return missing.length ? ciSkip(`missing ${missing.join(', ')} (see .ci/run for the Debian packages)`) : null;
}

export function run(cmd: string, args: string[], input?: string | Buffer): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 64 << 20 });
}
