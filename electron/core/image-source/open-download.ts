/**
 * An image still downloading, opened for writing from the growing `.part` file. A multi-block
 * `.xz` whose index the core read beforehand is decoded block by block as the blocks arrive, only
 * those that may hold data (download-blocks.ts). Anything else (a server without Range requests,
 * a single-block `.xz`, a raw image) is decoded as one stream while it arrives (the xz tool on
 * every core, reading the file as far as the download got), the allocation map deciding chunk by
 * chunk what reaches the cards, as for any stream.
 */
import type { XzIndexBytes } from '../../../shared/writer-protocol';
import { streamingMap } from './allocation-map';
import { streamChunks } from './chunks';
import { openDecodedPipe } from './decode';
import { downloadIndex, openArrivingBlocks } from './download-blocks';
import type { DownloadFeed } from './download-feed';
import { growingFile } from './growing-file';
import type { SourceInfo } from './inspect';
import { imageSource, type ImageSource } from './open-image';

export async function openDownloadImage(source: SourceInfo, feed: DownloadFeed, signal: AbortSignal, xzIndex?: XzIndexBytes): Promise<ImageSource> {
  const index = xzIndex && source.format === 'xz' ? await downloadIndex(xzIndex, source) : null;
  if (index) return imageSource(source, openArrivingBlocks(source, index, feed, signal));
  const decoded = openDecodedPipe(source, growingFile(source.path, feed, signal));
  return imageSource(source, { chunks: streamChunks(decoded.stream), map: streamingMap(source.size), decoded, decoder: `${decoded.decoder}, while downloading`, wholeStream: true });
}
