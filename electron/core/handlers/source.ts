/**
 * The image step's question "what is this file?", answered by the flash pipeline's own inspection
 * (electron/core/image-source), so the UI refuses exactly what a flash would refuse; and which
 * local images a client may choose from at all (electron/core/access).
 */
import path from 'node:path';
import type { HandlerFactory } from '../core-context';
import { listImages } from '../access/image-listing';
import { inspectSource } from '../image-source';
import { checkFolderCopy } from '../images/folder-copy';
import { readSourceArch } from '../image-arch';
import { FiotError } from '../../../shared/errors';

export const sourceHandlers: HandlerFactory = ({ grants, images, catalog }) => ({
  'source:list': async () => ({ folders: grants.imageFolders, images: await listImages(grants.imageFolders, await images.copiesOfDownloads()) }),
  'source:inspect': async ({ path: file }) => {
    const info = await inspectSource(grants.admitSource(file));
    return { ...info, name: info.zipEntry ?? path.basename(info.path) };
  },
  'source:arch': async ({ path: file }) => {
    const found = await readSourceArch(await inspectSource(grants.admitSource(file)));
    return found ? { arch: found.arch, evidence: found.evidence } : { arch: null };
  },
  // The sha256 that vouches for the copy is the core's own catalog's, never one a client sends.
  'source:check-copy': async ({ path: file, url }) => {
    const entry = (await catalog.get()).entries.find((e) => e.url === url);
    if (!entry) throw new FiotError('NOT_FOUND', `The catalog has no image at ${url}.`, 'Choose the release again from the list.');
    return checkFolderCopy({ file: grants.admitSource(file), url, ...(entry.sha256 ? { sha256: entry.sha256 } : {}), trusted: () => images.trustedKeys() });
  },
});
