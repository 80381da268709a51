/**
 * Which machines an image is for, read from the image before anything is written: the ESP's
 * removable-media EFI loader, in raw files, osbuild's multi-block .xz (through its index), a
 * single-block .xz and gzip (decoded as a stream, keeping only what the reading asks for); a
 * distribution folder's shim when the removable-media loader is missing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { inspectSource } from '../../../electron/core/image-source';
import { readSourceArch } from '../../../electron/core/image-arch';
import { listFatDirectory, openFatVolume } from '../../../electron/core/image-arch/fat-dir';
import { makeFixture, type FixtureOptions } from '../../fixtures/fixture';
import { commandsSkipReason } from '../../helpers/system';

const MiB = 1024 * 1024;
const skip = commandsSkipReason('sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'openssl', 'xz') ?? false;
const small: FixtureOptions = { size: 128 * MiB, espMib: 16, bootMib: 32, rootFillMib: 8 };
let dir: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-image-arch-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function archOf(file: string): Promise<string | null> {
  const found = await readSourceArch(await inspectSource(file));
  return found ? `${found.arch} (${found.evidence})` : null;
}

describe('readSourceArch', { skip }, () => {
  it('reads aarch64 from an MBR image and x86_64 from a GPT one, raw and single-block xz', async () => {
    const arm = await makeFixture({ ...small, layout: 'mbr', xz: true });
    const pc = await makeFixture({ ...small, layout: 'gpt', xz: true });
    assert.equal(await archOf(arm.path), 'aarch64 (EFI/BOOT/BOOTAA64.EFI)');
    assert.equal(await archOf(arm.xzPath!), 'aarch64 (EFI/BOOT/BOOTAA64.EFI)');
    assert.equal(await archOf(pc.path), 'x86_64 (EFI/BOOT/BOOTX64.EFI)');
    assert.equal(await archOf(pc.xzPath!), 'x86_64 (EFI/BOOT/BOOTX64.EFI)');
  });

  it('reads it from osbuild-style multi-block xz, gzip, and every FAT type of ESP', async () => {
    const fat32 = await makeFixture({ ...small, size: 192 * MiB, layout: 'gpt', espFat: 32, espMib: 40, xz: 'osbuild' });
    assert.equal(await archOf(fat32.xzPath!), 'x86_64 (EFI/BOOT/BOOTX64.EFI)');
    const fat12 = await makeFixture({ ...small, layout: 'mbr', espFat: 12, espMib: 4 });
    const gz = path.join(dir, 'arm.raw.gz');
    writeFileSync(gz, gzipSync(readFileSync(fat12.path), { level: 1 }));
    assert.equal(await archOf(gz), 'aarch64 (EFI/BOOT/BOOTAA64.EFI)');
    const armOnGpt = await makeFixture({ ...small, layout: 'gpt', arch: 'aarch64' });
    assert.equal(await archOf(armOnGpt.path), 'aarch64 (EFI/BOOT/BOOTAA64.EFI)', 'the loader decides, not the table');
  });

  it('reads a distribution folder\u2019s shim when the removable-media loader is missing', async () => {
    const fixture = await makeFixture({ ...small, layout: 'gpt' });
    const copy = path.join(dir, 'shim.raw');
    execFileSync('cp', [fixture.path, copy]);
    const esp = `${copy}@@${fixture.partitions[0]!.offset}`;
    execFileSync('mdel', ['-i', esp, '::/EFI/BOOT/BOOTX64.EFI']);
    writeFileSync(path.join(dir, 'shimx64.efi'), Buffer.alloc(4096, 1));
    execFileSync('mcopy', ['-i', esp, path.join(dir, 'shimx64.efi'), '::/EFI/fedora/shimx64.efi']);
    assert.equal(await archOf(copy), 'x86_64 (EFI/FEDORA/SHIMX64.EFI)');
  });

  it('survives a FAT whose directory chain loops on itself', async () => {
    const fixture = await makeFixture({ ...small, layout: 'mbr' });
    const copy = path.join(dir, 'loop.raw');
    execFileSync('cp', [fixture.path, copy]);
    const espOffset = fixture.partitions[0]!.offset;
    const fd = openSync(copy, 'r+');
    try {
      const read = async (offset: number, length: number) => {
        const buffer = Buffer.alloc(length);
        readSync(fd, buffer, 0, length, offset);
        return buffer;
      };
      const volume = (await openFatVolume(read, espOffset))!;
      const efi = (await listFatDirectory(volume, ''))!.find((e) => e.name === 'EFI')!;
      // FAT16 (the fixture's ESP): the EFI folder's cluster now names itself as the next one.
      const entry = Buffer.alloc(2);
      entry.writeUInt16LE(efi.firstCluster);
      writeSync(fd, entry, 0, 2, espOffset + volume.fatOffset + efi.firstCluster * 2);
      assert.equal((await read(espOffset + volume.fatOffset + efi.firstCluster * 2, 2)).readUInt16LE(0), efi.firstCluster, 'the chain now loops');
    } finally {
      closeSync(fd);
    }
    assert.equal(await archOf(copy), 'aarch64 (EFI/BOOT/BOOTAA64.EFI)');
  });

  it('says nothing for an image without an EFI loader it knows', async () => {
    const fixture = await makeFixture({ ...small, layout: 'mbr' });
    const copy = path.join(dir, 'renamed.raw');
    execFileSync('cp', [fixture.path, copy]);
    const esp = fixture.partitions[0]!;
    execFileSync('mren', ['-i', `${copy}@@${esp.offset}`, '::/EFI/BOOT/BOOTAA64.EFI', '::/EFI/BOOT/LOADER.EFI']);
    assert.equal(await archOf(copy), null);
    const blank = path.join(dir, 'blank.raw');
    writeFileSync(blank, Buffer.alloc(4 * MiB));
    assert.equal(await archOf(blank), null);
  });
});
