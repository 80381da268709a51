/**
 * A real udisksd on a private system bus, so UDisks2 tests never touch the machine's own. There is
 * no udev daemon here, and udisksd only shows block devices udev has initialised: it runs in a
 * private mount namespace whose /run holds a udev database entry for each device the test made,
 * and nothing else. Its polkit checks pass for the root caller, as they would after a person
 * approved the prompt.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dbus from 'dbus-next';
import { ciSkip } from './skip';
import { commandsSkipReason, rootSkipReason } from './system';

const UDISKSD = '/usr/libexec/udisks2/udisksd';

export function udisksSkipReason(): string | null {
  if (process.platform !== 'linux') return ciSkip('UDisks2 is Linux only');
  if (!existsSync(UDISKSD)) return ciSkip(`no ${UDISKSD} (apt-get install udisks2)`);
  return rootSkipReason('to start a private udisksd and make loop devices') ?? commandsSkipReason('dbus-daemon', 'unshare', 'setpriv', 'losetup');
}

export interface PrivateUdisks {
  /** The private bus's address, for DBUS_SYSTEM_BUS_ADDRESS. */
  address: string;
  stop(): Promise<void>;
}

function busConfig(socket: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`;
}

async function until(what: string, ready: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function blockObjectExists(address: string, device: string): Promise<boolean> {
  // dbus-next's sessionBus() is the constructor that takes an address: here, the private system bus.
  const bus = dbus.sessionBus({ busAddress: address });
  bus.on('error', () => undefined);
  try {
    const root = (await bus.getProxyObject('org.freedesktop.UDisks2', '/org/freedesktop/UDisks2')).getInterface('org.freedesktop.DBus.ObjectManager');
    const objects = (await root.GetManagedObjects!()) as Record<string, unknown>;
    return `/org/freedesktop/UDisks2/block_devices/${path.basename(device)}` in objects;
  } catch {
    return false;
  } finally {
    bus.disconnect();
  }
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return gone;
}

/** The bus alone; `withDevices` then starts udisksd on it knowing these block devices. */
export async function startPrivateBus(): Promise<{ address: string; withUdisks(devices: string[]): Promise<PrivateUdisks>; stop(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-udisks-'));
  const socket = path.join(dir, 'system_bus_socket');
  const config = path.join(dir, 'bus.conf');
  writeFileSync(config, busConfig(socket));
  const daemon = spawn('dbus-daemon', ['--config-file', config, '--nofork', '--nopidfile'], { stdio: 'ignore' });
  const address = `unix:path=${socket}`;
  const children: ChildProcess[] = [daemon];
  const stop = async () => {
    for (const child of children.reverse()) await stopped(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until('the private bus', () => existsSync(socket));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    address,
    stop,
    async withUdisks(devices) {
      const entries = devices.map((device) => `b${readFileSync(`/sys/block/${path.basename(device)}/dev`, 'utf8').trim()}`);
      const script = ['set -e', 'mount -t tmpfs fiot-private-run /run', 'mkdir -p /run/udev/data', ...entries.map((entry) => `echo E:ID_FIOT_TEST=1 > /run/udev/data/${entry}`), `exec ${UDISKSD}`].join('\n');
      const udisksd = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], { env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: address }, stdio: 'ignore' });
      children.push(udisksd);
      for (const device of devices) await until(`udisksd to show ${device}`, () => blockObjectExists(address, device));
      return { address, stop };
    },
  };
}
