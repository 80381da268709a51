/**
 * An image still downloading, opened for writing: its source is the growing `.part` file, decoded
 * as a stream while it arrives (the xz tool on every core, reading the file as far as the download
 * got), the allocation map deciding chunk by chunk what reaches the cards, as for any stream.
 */
import { streamingMap } from './allocation-map';
import { streamChunks } from './chunks';
import { openDecodedPipe } from './decode';
import type { DownloadFeed } from './download-feed';
import { growingFile } from './growing-file';
import type { SourceInfo } from './inspect';
import { imageSource, type ImageSource } from './open-image';

export function openDownloadImage(source: SourceInfo, feed: DownloadFeed, signal: AbortSignal): ImageSource {
  const decoded = openDecodedPipe(source, growingFile(source.path, feed, signal));
  return imageSource(source, { chunks: streamChunks(decoded.stream), map: streamingMap(source.size), decoded, decoder: `${decoded.decoder}, while downloading`, wholeStream: true });
}
