/** The content size a zstd frame header may carry (RFC 8878, 3.1.1.1), or null when absent. */
export function zstdFrameContentSize(head: Buffer): number | null {
  const descriptor = head[4];
  if (descriptor === undefined) return null;
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 3] ?? 0;
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag] ?? 0;
  if (fcsBytes === 0) return null;
  const at = 5 + (singleSegment ? 0 : 1) + dictionaryIdBytes;
  if (head.length < at + fcsBytes) return null;
  switch (fcsBytes) {
    case 1:
      return head.readUInt8(at);
    case 2:
      return head.readUInt16LE(at) + 256;
    case 4:
      return head.readUInt32LE(at);
    default:
      return Number(head.readBigUInt64LE(at));
  }
}
