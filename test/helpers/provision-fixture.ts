/**
 * The Fedora-IoT-shaped images provisioning tests use. The small one: both layouts, Fedora's ext4
 * features, but 128 MiB with 4 MiB of root files, because provisioning only touches the boot
 * partition and several specs also compress it with xz. The real-shape one: a 2 GiB `boot` as
 * osbuild makes it (so mkfs picks 4 KiB blocks and spreads its metadata past the first 32 MiB),
 * compressed the way osbuild compresses (`xz -0` with threads, so many blocks).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { makeFixture, type Fixture, type FixtureOptions } from '../fixtures/fixture';

const MiB = 1024 * 1024;

export function provisionFixture(options: Pick<FixtureOptions, 'layout' | 'zezere' | 'xz'> = {}): Promise<Fixture> {
  return makeFixture({ size: 128 * MiB, espMib: 32, bootMib: 48, rootFillMib: 4, ...options });
}

export const REAL_BOOT_MIB = 2048;

/** An MBR image with a 2 GiB `boot` and a small root, plus its osbuild-style `.xz` (cached beside it). */
export async function realBootFixture(): Promise<Fixture & { xzPath: string }> {
  const fixture = await makeFixture({ size: (16 + 32 + REAL_BOOT_MIB + 40) * MiB, espMib: 32, bootMib: REAL_BOOT_MIB, rootFillMib: 4 });
  const xzPath = `${fixture.path}.osbuild.xz`;
  if (!existsSync(xzPath)) {
    const staging = `${xzPath}.${process.pid}.part`;
    try {
      // osbuild's org.osbuild.xz stage: `xz --keep --stdout -0` with XZ_OPT=--threads 0.
      execFileSync('sh', ['-c', 'xz --keep --stdout -0 -T0 "$1" > "$2"', 'sh', fixture.path, staging]);
      renameSync(staging, xzPath);
    } finally {
      rmSync(staging, { force: true });
    }
  }
  return { ...fixture, xzPath };
}
