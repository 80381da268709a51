/**
 * The image source library: where a flash's bytes come from. What a file is and how large its
 * image is (inspect), how it is resolved from a path, URL or catalog reference (resolve), and the
 * image opened for writing (openImage): its size, its allocation map, its data chunks, the
 * decoder's name and the end check. The writer process loads it (the core library), so it imports
 * nothing from core but the image map and system-tools.
 */
export { detectFormat, type SourceFormat } from './format';
export { inspectSource, pendingDownloadInfo, type SourceInfo } from './inspect';
export { openDecodedStream, openDecodedPipe, decoderProblem, type DecodedSource } from './decode';
export { resolveSource, localFileResolver, hasScheme, type CacheCopyOffer, type PreparedSource, type PendingDownload, type SourceExpectation, type SourceResolver } from './resolve';
export { openImage, type ImageSource } from './open-image';
export { openDownloadImage } from './open-download';
export { DownloadFeed, PACE_VERDICT_MS, type DownloadMessage } from './download-feed';
export { CHUNK_SIZE, type ImageChunk } from './chunks';
export type { AllocationMap } from './allocation-map';
