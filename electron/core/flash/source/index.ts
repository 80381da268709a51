/** Sources of a flash: what a file is, how large its image is, and its decompressed bytes. */
export { detectFormat, type SourceFormat } from './format';
export { inspectSource, type SourceInfo } from './inspect';
export { openDecodedStream, decoderProblem, type DecodedSource } from './decode';
export { resolveSource, localFileResolver, hasScheme, type CacheCopyOffer, type PreparedSource, type SourceExpectation, type SourceResolver } from './resolve';
