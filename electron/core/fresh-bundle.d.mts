/**
 * `root/bundle` when it exists and is newer than every source under `sourceDirs` (default
 * electron/ and shared/), else null.
 */
export function freshBundle(root: string, bundle: string, sourceDirs?: string[]): string | null;
