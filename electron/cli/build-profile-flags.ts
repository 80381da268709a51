/**
 * SEAM: the provisioning flags `build` understands until `profileFromFlags` (provisioning-flags.ts,
 * the provisioning engineer's) lands; then `build` calls that instead and this file goes away.
 * It maps the common flags to a profile object; shared/provisioning checks it like any profile.
 * Flags it does not handle are refused, never silently dropped.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FiotError } from '../../shared/errors';
import type { ProfileInput } from '../../shared/provisioning';

export interface BuildProfileFlags {
  profile?: string;
  ignition?: string;
  'ignition-url'?: string;
  hostname?: string;
  user?: string;
  'password-hash'?: string;
  'ssh-key'?: string[];
  timezone?: string;
  'bootc-switch'?: string;
  [other: string]: unknown;
}

const unsupported = ['zezere-url', 'wifi-ssid', 'wifi-psk-file', 'counter-start'];

function readText(file: string, flag: string, cwd: string): string {
  try {
    return readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new FiotError('USAGE', `${flag} ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read'}.`);
  }
}

/** A profile for the flags given, or undefined when no provisioning flag was given. */
export function buildProfileFromFlags(values: BuildProfileFlags, cwd = process.cwd()): ProfileInput | undefined {
  const refused = unsupported.find((name) => values[name] !== undefined);
  if (refused) throw new FiotError('USAGE', `--${refused} cannot be used with build in this version.`, 'Build the image, then provision it with fiot-flash provision <image>.');
  let profile: Record<string, unknown> = {};
  if (values.profile) {
    try {
      profile = JSON.parse(readText(values.profile, '--profile', cwd)) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof FiotError) throw error;
      throw new FiotError('USAGE', `--profile ${values.profile}: not a JSON profile.`);
    }
  }
  const keys = (values['ssh-key'] ?? []).map((key) => (key.startsWith('@') ? readText(key.slice(1), '--ssh-key', cwd).trim() : key.trim()));
  if ((keys.length || values['password-hash']) && !values.user) throw new FiotError('USAGE', '--ssh-key and --password-hash need --user NAME: the user they belong to.');
  if (values.user) {
    const users = Array.isArray(profile.users) ? (profile.users as unknown[]) : [];
    users.push({ name: values.user, ...(values['password-hash'] ? { passwordHash: values['password-hash'] } : {}), sshAuthorizedKeys: keys.flatMap((k) => k.split('\n').filter(Boolean)), groups: ['wheel'] });
    profile.users = users;
  }
  if (values.hostname) profile.hostname = values.hostname;
  if (values.timezone) profile.timezone = values.timezone;
  if (values['bootc-switch']) profile.bootcSwitch = values['bootc-switch'];
  if (values['ignition-url']) profile.ignitionUrl = values['ignition-url'];
  if (values.ignition) profile.mergeConfig = readText(values.ignition, '--ignition', cwd);
  return Object.keys(profile).length ? (profile as ProfileInput) : undefined;
}
