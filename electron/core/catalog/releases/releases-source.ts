/** The release index as a catalog source, with a conditional GET so an unchanged index costs a 304. */
import type { CatalogSource } from '../source';
import { fetchText } from '../http';
import { parseReleasesIndex } from './releases-index';

export function releasesSource(url: string): CatalogSource {
  const id = 'releases';
  return {
    id,
    owns: (entry) => entry.kind === 'raw-image',
    async run({ previous, timeoutMs, fetchImpl }) {
      const answer = await fetchText(url, { timeoutMs, validators: previous?.validators[url], fetchImpl });
      if (answer.notModified && previous) return { entries: previous.entries, validators: previous.validators, unchanged: true };
      if (answer.notModified) throw new Error(`${url} answered 304 to an unconditional request`);
      return { entries: parseReleasesIndex(answer.text, id), validators: { [url]: answer.validators }, unchanged: false };
    },
  };
}
