/**
 * Boot Loader Specification entries (`/loader/entries/*.conf` on the boot partition): Zezere
 * mode adds `zezere.url=URL` to each entry's `options` line, where zezere-ignition looks first.
 */
export const BOOT_ENTRIES_DIR = '/loader/entries';

/** The entry with `key=value` on its options line (replacing an earlier value of that key). */
export function entryWithKernelArg(entry: string, key: string, value: string): string {
  let found = false;
  const lines = entry.split('\n').map((line) => {
    const match = /^options(\s+)(.*)$/.exec(line);
    if (!match) return line;
    found = true;
    const args = (match[2] ?? '').split(/\s+/).filter((arg) => arg && !arg.startsWith(`${key}=`));
    return `options ${[...args, `${key}=${value}`].join(' ')}`;
  });
  return found ? lines.join('\n') : `${entry.replace(/\n?$/, '\n')}options ${key}=${value}\n`;
}
