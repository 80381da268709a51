/** The parts of the ext2fs package (libext2fs compiled to wasm) this project uses. */
declare module 'ext2fs' {
  import type { Disk } from 'file-disk';

  export interface Ext2Promises {
    readFile(path: string): Promise<Buffer>;
    readFile(path: string, encoding: 'utf8'): Promise<string>;
    writeFile(path: string, data: string | Buffer, options?: { mode?: number }): Promise<void>;
    mkdir(path: string, mode?: number): Promise<void>;
    readdir(path: string): Promise<string[]>;
    stat(path: string): Promise<{ mode: number; uid: number; gid: number; size: number; isDirectory(): boolean; isFile(): boolean }>;
    lstat(path: string): Promise<{ mode: number; isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean }>;
    chmod(path: string, mode: number): Promise<void>;
    chown(path: string, uid: number, gid: number): Promise<void>;
    unlink(path: string): Promise<void>;
  }

  export interface Ext2Fs {
    promises: Ext2Promises;
  }

  export function mount(disk: Disk, offset?: number): Promise<Ext2Fs>;
  export function umount(fs: Ext2Fs): Promise<void>;
}
