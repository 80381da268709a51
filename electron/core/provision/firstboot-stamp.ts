/**
 * The `ignition.firstboot` stamp at the root of the boot partition. GRUB sources it on a first
 * boot and adds `ignition.firstboot $ignition_network_kcmdline` to the kernel command line; after
 * that boot Fedora deletes it. URL mode puts `ignition.config.url=` into that variable, keeping
 * the arguments the image already set (Fedora's arm-image-installer and coreos-installer do the same).
 */
export const FIRSTBOOT_STAMP = '/ignition.firstboot';

const SET_LINE = /^\s*set\s+ignition_network_kcmdline=(?:'([^']*)'|"([^"]*)"|(\S*))\s*$/;

/** The kernel arguments the stamp sets (the last `set` wins, as in GRUB). */
export function stampKernelArgs(stamp: string): string[] {
  let args = '';
  for (const line of stamp.split('\n')) {
    const match = SET_LINE.exec(line);
    if (match) args = match[1] ?? match[2] ?? match[3] ?? '';
  }
  return args.split(/\s+/).filter(Boolean);
}

/** A stamp whose first boot fetches Ignition's config from `url`. */
export function stampWithConfigUrl(stamp: string, url: string): string {
  const args = stampKernelArgs(stamp).filter((arg) => !arg.startsWith('ignition.config.url='));
  args.push(`ignition.config.url=${url}`);
  return `set ignition_network_kcmdline='${args.join(' ')}'\n`;
}
