/**
 * What makes a machine itself and must not be shared by clones of one card: its machine ID
 * (systemd, journald, DHCP client IDs) and its SSH host keys (every clone would answer as the same
 * host). In a copy of a card they are cleared as a fresh Fedora image ships them: an empty
 * /etc/machine-id (systemd makes a new one at the next boot and runs first-boot units) and no
 * host keys (sshd-keygen makes new ones). Fedora IoT keeps /etc in each ostree deployment
 * (/ostree/deploy/<os>/deploy/<commit>.<n>/etc); a plain root has /etc itself.
 */
import type { BlockIO } from '../provision/block-io';
import { exists, withExtFs, type ExtFs } from '../provision/ext-fs';
import { BlockIODisk } from '../provision/io-disk';

async function etcDirs(fs: ExtFs): Promise<string[]> {
  const found: string[] = [];
  if (await exists(fs, '/etc')) found.push('/etc');
  for (const os of await fs.readdir('/ostree/deploy').catch(() => [] as string[])) {
    for (const deployment of await fs.readdir(`/ostree/deploy/${os}/deploy`).catch(() => [] as string[])) {
      const etc = `/ostree/deploy/${os}/deploy/${deployment}/etc`;
      if (await exists(fs, etc)) found.push(etc);
    }
  }
  return found;
}

/** Clears every machine ID and SSH host key in the ext4 filesystem at `offset`; the paths it changed. */
async function clearIn(fs: ExtFs): Promise<string[]> {
  const cleared: string[] = [];
  for (const etc of await etcDirs(fs)) {
    const machineId = `${etc}/machine-id`;
    if (await exists(fs, machineId)) {
      const text = String(await fs.readFile(machineId, 'utf8'));
      if (text.trim() !== '') {
        await fs.writeFile(machineId, '');
        cleared.push(machineId);
      }
    }
    for (const name of await fs.readdir(`${etc}/ssh`).catch(() => [] as string[])) {
      if (!/^ssh_host_.*_key(\.pub)?$/.test(name)) continue;
      await fs.unlink(`${etc}/ssh/${name}`);
      cleared.push(`${etc}/ssh/${name}`);
    }
  }
  return cleared;
}

/** Every ext4 partition (by byte offset) of the copy; the paths cleared, as partition:path. */
export async function clearMachineIdentity(io: BlockIO, ext4Offsets: Array<{ offset: number; label?: string | undefined }>): Promise<string[]> {
  const cleared: string[] = [];
  for (const { offset, label } of ext4Offsets) {
    const paths = await withExtFs(new BlockIODisk(io), offset, clearIn);
    cleared.push(...paths.map((p) => `${label ?? `partition at ${offset}`}:${p}`));
  }
  return cleared;
}
