/** Every tag of a repository, following pagination (`Link: <...>; rel="next"`, or `n`/`last`). */
import type { RegistryClient } from './client';

/** A registry that keeps sending "next" is broken; stop rather than loop. */
const maxPages = 50;

export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match?.[1]) return match[1];
  }
  return null;
}

/** `pageSize` is what the client asks for; the registry may send fewer per page. */
export async function listTags(client: RegistryClient, repository: string, pageSize = 200): Promise<string[]> {
  const tags = new Set<string>();
  let next: string | null = `${repository}/tags/list?n=${pageSize}`;
  for (let page = 0; next && page < maxPages; page += 1) {
    const answer: { json: { tags?: string[] | null }; headers: Headers } = await client.getJson(next, repository);
    const pageTags = Array.isArray(answer.json.tags) ? answer.json.tags.filter((t) => typeof t === 'string') : [];
    const before = tags.size;
    for (const tag of pageTags) tags.add(tag);
    const link = nextLink(answer.headers.get('link'));
    // Some registries page with n/last but send no Link header: ask for the rest after a full page.
    // Others ignore n and send everything each time: a page with nothing new ends the listing.
    const last = pageTags[pageTags.length - 1];
    const more = tags.size > before && pageTags.length >= pageSize && last;
    next = link ?? (more ? `${repository}/tags/list?n=${pageSize}&last=${encodeURIComponent(last)}` : null);
  }
  return [...tags];
}
