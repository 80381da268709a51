/** `root/bundle` when it exists and is newer than every source under electron/ and shared/, else null. */
export function freshBundle(root: string, bundle: string): string | null;
