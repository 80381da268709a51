/**
 * A file-disk Disk over a BlockIO, so libext2fs (the ext2fs wasm module) and partitioninfo work on
 * a card the writer holds open, an image file, or a loop device through one code path.
 * `readOnly` with `recordWrites` keeps writes in memory: a dry run that never touches the card.
 */
import { Disk, type ReadResult, type WriteResult } from 'file-disk';
import type { BlockIO } from './block-io';

export class BlockIODisk extends Disk {
  constructor(
    private readonly io: Pick<BlockIO, 'read' | 'size'> & Partial<Pick<BlockIO, 'write'>>,
    options: { dryRun?: boolean } = {},
  ) {
    const dryRun = options.dryRun ?? !io.write;
    super(dryRun, dryRun, false, false);
  }

  protected async _getCapacity(): Promise<number> {
    return this.io.size;
  }

  protected async _read(buffer: Buffer, bufferOffset: number, length: number, fileOffset: number): Promise<ReadResult> {
    const data = await this.io.read(fileOffset, length);
    data.copy(buffer, bufferOffset, 0, length);
    return { bytesRead: Math.min(length, data.length), buffer };
  }

  protected async _write(buffer: Buffer, bufferOffset: number, length: number, fileOffset: number): Promise<WriteResult> {
    if (!this.io.write) throw new Error('this disk was opened for reading only');
    await this.io.write(Buffer.from(buffer.subarray(bufferOffset, bufferOffset + length)), fileOffset);
    return { bytesWritten: length, buffer };
  }

  protected async _flush(): Promise<void> {
    // BlockIO writes are complete when they resolve; the writer syncs the device itself.
  }
}
