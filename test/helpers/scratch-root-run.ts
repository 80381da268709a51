/**
 * Runs a command inside a scratch root Ignition wrote, as the device would run it: chrooted, so
 * every path the command names is the root's (/etc/hostname, /etc/fiot-checkin/...). The root has
 * only what Ignition wrote, so this machine's /usr (bash, curl, ip and their libraries) is bound
 * in, with /proc, /sys and /dev, in a private mount namespace that vanishes with the command.
 * The network is this machine's: the device reaches the app on loopback here. Asynchronous, so a
 * station in the test's own process can answer the command meanwhile.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';

const MERGED_USR = ['bin', 'lib', 'lib64', 'sbin'];

export function runInRoot(root: string, command: string[], timeoutMs = 120_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  for (const dir of ['usr', 'proc', 'sys', 'dev']) mkdirSync(path.join(root, dir), { recursive: true });
  for (const link of MERGED_USR) if (!existsSync(path.join(root, link)) && existsSync(`/usr/${link}`)) symlinkSync(`usr/${link}`, path.join(root, link));
  const quoted = command.map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = [
    'set -e',
    'mount --bind /usr "$1/usr"',
    'mount -t proc proc "$1/proc"',
    'mount --rbind /sys "$1/sys"',
    'mount --rbind /dev "$1/dev"',
    `exec chroot "$1" ${quoted}`,
  ].join('\n');
  const child = spawn('unshare', ['--mount', '--propagation', 'private', '--fork', '--kill-child', '--pid', 'sh', '-c', script, 'sh', root], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // --kill-child: the command's whole PID namespace goes with unshare when the time is up.
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
