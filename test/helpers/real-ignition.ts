/**
 * Fedora's own reader of the config, run for real: Debian's `ignition` package carries the
 * Ignition binary that Fedora's initramfs runs. Its `fetch-offline` stage reads the config from a
 * file (the `file` platform), then its `files` stage applies it into a scratch root: users and
 * their SSH keys through `useradd --root`, files, links. The scratch root is a minimal Fedora
 * /etc (with the `wheel` group the generated user joins). Ignition relabels what it wrote with
 * `setfiles` at the end; SELinux cannot relabel a temp folder, so a harmless stand-in that does
 * nothing is put first on PATH (the only stand-in here).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ciSkip } from './skip';
import { commandsSkipReason } from './system';

export const IGNITION_BINARY = '/usr/lib/dracut/modules.d/30ignition/ignition';
/** Upstream's ignition-kargs-helper as Debian installs it: a stub that says "not supported" and exits 1. */
export const KARGS_HELPER_STUB = '/usr/lib/dracut/modules.d/30ignition/ignition-kargs-helper.sh';

/** Why real Ignition cannot run here (CI installs ignition and passwd), or null. */
export function realIgnitionSkipReason(): string | null {
  if (!existsSync(IGNITION_BINARY)) return ciSkip(`no ${IGNITION_BINARY} (apt-get install ignition)`);
  return commandsSkipReason('useradd');
}

const FEDORA_ETC: Record<string, string> = {
  passwd: 'root:x:0:0:root:/root:/bin/bash\n',
  group: 'root:x:0:\nwheel:x:10:\n',
  shadow: 'root:*:19000:0:99999:7:::\n',
  gshadow: 'root:::\nwheel:::\n',
  'selinux/config': 'SELINUX=enforcing\nSELINUXTYPE=targeted\n',
};

export interface AppliedRoot {
  /** The scratch root Ignition wrote into. */
  root: string;
  /** Ignition's log of both stages, for assertion messages. */
  log: string;
  dispose(): void;
}

/**
 * Runs Ignition's fetch-offline and files stages on `configText`; throws with its log if either
 * fails. `kargs: true` runs the kargs stage between them, as the initramfs does, with Debian's
 * stub as the distribution's ignition-kargs-helper (Fedora IoT ships no helper at all).
 */
export function applyWithIgnition(configText: string, options: { kargs?: boolean } = {}): AppliedRoot {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-ignition-'));
  // Ignition writes a user's SSH keys as that user: every folder above the home must be searchable.
  chmodSync(dir, 0o755);
  const root = path.join(dir, 'root');
  const bin = path.join(dir, 'bin');
  mkdirSync(path.join(root, 'etc/selinux'), { recursive: true });
  mkdirSync(bin);
  for (const [name, text] of Object.entries(FEDORA_ETC)) writeFileSync(path.join(root, 'etc', name), text);
  writeFileSync(path.join(bin, 'setfiles'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  if (options.kargs) symlinkSync(KARGS_HELPER_STUB, path.join(bin, 'ignition-kargs-helper'));
  const config = path.join(dir, 'config.ign');
  writeFileSync(config, configText);
  const env = { PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`, IGNITION_CONFIG_FILE: config };
  const common = ['-platform', 'file', '-log-to-stdout', '-config-cache', path.join(dir, 'cache.json'), '-state-file', path.join(dir, 'state')];
  let log = '';
  try {
    const stages = [['-stage', 'fetch-offline', '-neednet', path.join(dir, 'neednet')], ...(options.kargs ? [['-stage', 'kargs']] : []), ['-stage', 'files', '-root', root]];
    for (const stage of stages) {
      const run = spawnSync(IGNITION_BINARY, [...common, ...stage], { env, encoding: 'utf8', timeout: 60_000 });
      log += `${run.stdout}${run.stderr}`;
      if (run.status !== 0) throw new Error(`ignition ${stage[1]} exited ${run.status}:\n${log.slice(-3000)}`);
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { root, log, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
