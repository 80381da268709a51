/**
 * The image step's question "what is this file?", answered by the flash pipeline's own inspection
 * (electron/core/flash/source), so the UI refuses exactly what a flash would refuse; and which
 * local images a client may choose from at all (electron/core/access).
 */
import path from 'node:path';
import type { HandlerFactory } from '../core-context';
import { listImages } from '../access/image-listing';
import { inspectSource } from '../flash/source';

export const sourceHandlers: HandlerFactory = ({ grants }) => ({
  'source:list': async () => ({ folders: grants.imageFolders, images: await listImages(grants.imageFolders) }),
  'source:inspect': async ({ path: file }) => {
    const info = await inspectSource(grants.admitSource(file));
    return { ...info, name: info.zipEntry ?? path.basename(info.path) };
  },
});
