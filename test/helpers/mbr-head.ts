/** The first 64 KiB of a disk with an MBR holding these entries, for partition-table tests. */
import { TABLE_HEAD_BYTES } from '../../electron/core/image-map';

export function mbrHead(entries: Array<{ status?: number; type: number; first: number; sectors: number }>): Buffer {
  const head = Buffer.alloc(TABLE_HEAD_BYTES);
  entries.forEach((e, i) => {
    const at = 446 + i * 16;
    head[at] = e.status ?? 0;
    head[at + 4] = e.type;
    head.writeUInt32LE(e.first, at + 8);
    head.writeUInt32LE(e.sectors, at + 12);
  });
  head.writeUInt16LE(0xaa55, 510);
  return head;
}
