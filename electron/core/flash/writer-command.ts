/**
 * How to start the writer process: the same Node (or Electron running as Node) on the writer's
 * entry, elevated only when it must be. The GUI, the station and the CLI never run elevated
 * themselves; on Linux the writer alone asks polkit (pkexec), and then takes nothing from the
 * user: pkexec runs the installed launcher that our polkit policy names, with a fixed PATH.
 */
import { FiotError } from '../../../shared/errors';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { notRootOnlyBecause, treeNotRootOnlyBecause } from './root-owned';
import { findSystemTool, SYSTEM_PATH } from '../system-tools';
import { writerEntryArgs } from './writer-entry';

export interface WriterCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Started through pkexec: its exit codes 126/127 mean permission was refused. */
  elevated: boolean;
}

/**
 * Where the Linux packages (deb, rpm) install the writer launcher. The polkit policy
 * (assets/linux/org.fedoraproject.iot.flasher.policy) names this exact path, so the prompt names
 * this app and the action covers nothing else.
 */
export const INSTALLED_WRITER_LAUNCHER = '/opt/Fedora IoT Flasher/resources/fiot-writer';

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** macOS: the system authorization prompt is the way; this build cannot show it. */
function elevateOnMacOS(): never {
  throw new FiotError('PERMISSION_DENIED', 'Writing a drive needs administrator rights, and this build cannot ask macOS for them.', 'Run the command with sudo (e.g. `sudo npx fiot-flash flash ...`).');
}

/** Windows: UAC elevation is the way; this build cannot request it. */
function elevateOnWindows(): never {
  throw new FiotError('PERMISSION_DENIED', 'Writing a drive needs administrator rights, and this build cannot ask Windows for them.', 'Run the command from a terminal opened with “Run as administrator”.');
}

/** What decides how the writer starts; the running machine unless a test says otherwise. */
export interface WriterHost {
  platform: NodeJS.Platform;
  root: boolean;
  env: NodeJS.ProcessEnv;
  /** The launcher pkexec runs; the installed one unless a test installs its own. */
  launcher?: string;
  /** pkexec itself, looked up in the system folders only; a test may hand in a stand-in. */
  pkexec?: string | null;
}

export const currentHost = (): WriterHost => ({ platform: process.platform, root: isRoot(), env: process.env });

/**
 * Why root must not run the launcher or what it runs (assets/linux/fiot-writer, which checks the
 * same again as root): the app's binary one folder up, the bundled writer, app.asar and every file
 * under app.asar.unpacked (the native modules the writer loads).
 */
function launcherProblem(launcher: string): string | null {
  const resources = path.dirname(launcher);
  const files = [launcher, path.join(resources, '..', 'fedora-iot-flasher'), path.join(resources, 'app.asar.unpacked', 'dist', 'writer', 'main.cjs')];
  if (existsSync(path.join(resources, 'app.asar'))) files.push(path.join(resources, 'app.asar'));
  for (const file of files) {
    const problem = notRootOnlyBecause(file);
    if (problem) return problem;
  }
  return treeNotRootOnlyBecause(path.join(resources, 'app.asar.unpacked'));
}

/** The launcher pkexec may run, or a refusal that says what to do instead. */
function trustedLauncher(launcher: string): string {
  const problem = launcherProblem(launcher);
  if (!problem) return launcher;
  throw new FiotError(
    'PERMISSION_DENIED',
    `Writing a drive needs administrator rights, and this copy of the app cannot ask for them safely: ${problem}.`,
    'Install the app from its deb or rpm package (its writer is then owned by root), or run the command with sudo (e.g. `sudo npx fiot-flash flash ...`).',
  );
}

/** The command line that starts the writer, elevated when a target needs it and we are not root. */
export function writerCommand(needsPrivilege: boolean, host: WriterHost = currentHost()): WriterCommand {
  if (!needsPrivilege || host.root) {
    // Inside Electron, process.execPath is the app: this makes it behave as plain Node.
    const node = [process.execPath, ...writerEntryArgs(host.env)];
    return { command: node[0]!, args: node.slice(1), env: { ...host.env, ELECTRON_RUN_AS_NODE: '1' }, elevated: false };
  }
  if (host.platform === 'darwin') elevateOnMacOS();
  if (host.platform === 'win32') elevateOnWindows();
  const pkexec = host.pkexec === undefined ? findSystemTool('pkexec') : host.pkexec;
  if (!pkexec) {
    throw new FiotError('PERMISSION_DENIED', 'Writing a drive needs administrator rights, and polkit’s pkexec is not installed to ask for them.', 'Run the command with sudo, or install polkit (pkexec).');
  }
  // Neither FIOT_WRITER_ENTRY nor the user's PATH: the launcher fixes the entry and the environment itself.
  const launcher = trustedLauncher(host.launcher ?? INSTALLED_WRITER_LAUNCHER);
  return { command: pkexec, args: [launcher], env: { PATH: SYSTEM_PATH }, elevated: true };
}
