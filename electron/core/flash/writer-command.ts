/**
 * How to start the writer process: the same Node (or Electron running as Node) on the writer's
 * entry, elevated only when it must be. The GUI, the station and the CLI never run elevated
 * themselves; on Linux the writer alone asks polkit (pkexec).
 */
import { FiotError } from '../../../shared/errors';
import { findOnPath } from './source/tools';
import { writerEntryArgs } from './writer-entry';

export interface WriterCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Started through pkexec: its exit codes 126/127 mean permission was refused. */
  elevated: boolean;
}

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
}

const thisHost = (): WriterHost => ({ platform: process.platform, root: isRoot(), env: process.env });

/** The command line that starts the writer, elevated when a target needs it and we are not root. */
export function writerCommand(needsPrivilege: boolean, host: WriterHost = thisHost()): WriterCommand {
  // Inside Electron, process.execPath is the app: this makes it behave as plain Node.
  const env = { ...host.env, ELECTRON_RUN_AS_NODE: '1' };
  const node = [process.execPath, ...writerEntryArgs(host.env)];
  if (!needsPrivilege || host.root) return { command: node[0]!, args: node.slice(1), env, elevated: false };
  if (host.platform === 'darwin') elevateOnMacOS();
  if (host.platform === 'win32') elevateOnWindows();
  const pkexec = findOnPath('pkexec', host.env.PATH);
  if (!pkexec) {
    throw new FiotError('PERMISSION_DENIED', 'Writing a drive needs administrator rights, and polkit’s pkexec is not installed to ask for them.', 'Run the command with sudo, or install polkit (pkexec).');
  }
  // pkexec starts from a clean environment: pass what the writer needs on its command line.
  const keep = ['ELECTRON_RUN_AS_NODE=1', 'PATH=' + (host.env.PATH ?? '/usr/bin:/bin')];
  if (host.env.FIOT_WRITER_ENTRY) keep.push(`FIOT_WRITER_ENTRY=${host.env.FIOT_WRITER_ENTRY}`);
  return { command: pkexec, args: ['env', ...keep, ...node], env, elevated: true };
}
