// @ronomon/direct-io (an etcher-sdk dependency) ships no type declarations; the writer needs one call.
declare module '@ronomon/direct-io' {
  export function getAlignedBuffer(size: number, alignment: number): Buffer;
}
