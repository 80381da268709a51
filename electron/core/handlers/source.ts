/**
 * The image step's question "what is this file?", answered by the flash pipeline's own inspection
 * (electron/core/flash/source), so the UI refuses exactly what a flash would refuse.
 */
import path from 'node:path';
import type { HandlerFactory } from '../app-core';
import { inspectSource } from '../flash/source';

export const sourceHandlers: HandlerFactory = () => ({
  'source:inspect': async ({ path: file }) => {
    const info = await inspectSource(file);
    return { ...info, name: info.zipEntry ?? path.basename(info.path) };
  },
});
