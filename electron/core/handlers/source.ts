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

export const sourceHandlers: HandlerFactory = ({ grants, images }) => ({
  'source:list': async () => ({ folders: grants.imageFolders, images: await listImages(grants.imageFolders) }),
  'source:inspect': async ({ path: file }) => {
    const info = await inspectSource(grants.admitSource(file));
    return { ...info, name: info.zipEntry ?? path.basename(info.path) };
  },
  'source:arch': async ({ path: file }) => {
    const found = await readSourceArch(await inspectSource(grants.admitSource(file)));
    return found ? { arch: found.arch, evidence: found.evidence } : { arch: null };
  },
  'source:check-copy': async ({ path: file, url, sha256 }) => checkFolderCopy({ file: grants.admitSource(file), url, ...(sha256 ? { sha256 } : {}), trusted: () => images.trustedKeys() }),
});
