/**
 * Which tags of a repository are releases worth listing. Fedora's repositories also carry dated
 * builds, per-arch and signature tags (`42.20250101.0`, `sha256-....sig`); only release numbers and
 * a few moving names are releases to a person choosing what to flash.
 */
const movingTags = ['latest', 'stable', 'rawhide'] as const;

/** Tags that are never a stable release (rawhide is the development branch). */
export function isPrereleaseTag(tag: string): boolean {
  return tag === 'rawhide';
}

/**
 * Release tags newest first: release numbers descending, then the moving names. At most `limit`
 * numbered releases are kept, so a refresh inspects a bounded number of manifests per repository.
 */
export function selectReleaseTags(tags: string[], limit: number): string[] {
  const numbered = [...new Set(tags.filter((t) => /^\d{1,4}$/.test(t)))].sort((a, b) => Number(b) - Number(a)).slice(0, limit);
  const moving = movingTags.filter((t) => tags.includes(t));
  return [...numbered, ...moving];
}
