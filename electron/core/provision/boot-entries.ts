/**
 * Boot Loader Specification entries (`/loader/entries/*.conf` on the boot partition). GRUB reads
 * each entry's `options` line as the kernel command line, and ostree copies that line into every
 * later deployment: the one place a kernel argument set before the first boot stays. Zezere mode
 * adds `zezere.url=URL` there; config mode the profile's kernel arguments and the Wi-Fi country.
 */
export const BOOT_ENTRIES_DIR = '/loader/entries';

/** Arguments the kernel takes more than once (each console= adds a console): never replaced. */
const REPEATABLE = new Set(['console']);

function keyOf(arg: string): string {
  const eq = arg.indexOf('=');
  return eq < 0 ? arg : arg.slice(0, eq);
}

/** `args` added to the options line: the image's own stay, an earlier value of the same key is replaced. */
function withArgs(options: string[], args: readonly string[]): string[] {
  let result = [...options];
  for (const arg of args) {
    if (result.includes(arg)) continue;
    const key = keyOf(arg);
    if (arg.includes('=') && !REPEATABLE.has(key)) result = result.filter((existing) => keyOf(existing) !== key || !existing.includes('='));
    result.push(arg);
  }
  return result;
}

/** The entry with `args` on its options line (an entry without one gains one). */
export function entryWithKernelArgs(entry: string, args: readonly string[]): string {
  let found = false;
  const lines = entry.split('\n').map((line) => {
    const match = /^options(\s+)(.*)$/.exec(line);
    if (!match) return line;
    found = true;
    return `options ${withArgs((match[2] ?? '').split(/\s+/).filter(Boolean), args).join(' ')}`;
  });
  return found ? lines.join('\n') : `${entry.replace(/\n?$/, '\n')}options ${args.join(' ')}\n`;
}

/** The entry with `key=value` on its options line (replacing an earlier value of that key). */
export function entryWithKernelArg(entry: string, key: string, value: string): string {
  return entryWithKernelArgs(entry, [`${key}=${value}`]);
}
