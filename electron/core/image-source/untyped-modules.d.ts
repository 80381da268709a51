// The two decoders used only when the system's tools are missing ship no type declarations.
declare module 'lzma-native' {
  import type { Duplex } from 'node:stream';
  export function createDecompressor(options?: { synchronous?: boolean }): Duplex;
}

declare module 'unbzip2-stream' {
  import type { Stream } from 'node:stream';
  export default function unbzip2Stream(): Stream & NodeJS.WritableStream & NodeJS.ReadableStream;
}
