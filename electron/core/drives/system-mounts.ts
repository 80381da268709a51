/**
 * Mounted here, a filesystem belongs to the running system, whatever device holds it (a USB disk
 * carrying /home is as much a system drive as the boot disk, even if drivelist calls it removable).
 */
const systemMountpoints = new Set(['/', '/boot', '/boot/efi', '/usr', '/var', '/etc', '/home', '/opt', '/srv', '[SWAP]']);

export function holdsSystemMount(mountpoints: string[]): boolean {
  return mountpoints.some((m) => systemMountpoints.has(m.length > 1 ? m.replace(/\/+$/, '') : m));
}
