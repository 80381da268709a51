/**
 * The benchmarks' images, built once through the fixture cache (each build takes minutes), the raw
 * image kept beside the .xz to check flashed cards against:
 * - the faithful one: a published Fedora IoT aarch64 image's shape (6 GiB, 1.2 GiB of real files
 *   in root, xz -0 in 1 MiB blocks as osbuild compresses it);
 * - the 2 GiB single-block one (MBR, root filled with ~217 MiB, xz -6), also the full-size browser test's.
 */
import { FEDORA_AARCH64, makeFixture, type Fixture, type FixtureOptions } from '../fixtures/fixture';

const MiB = 1024 * 1024;

export const FULL_SIZE = { size: 2048 * MiB, espMib: 64, bootMib: 256, rootFillMib: 217, xz: true } as const;

async function withXz(options: FixtureOptions): Promise<Fixture & { xzPath: string }> {
  const fixture = await makeFixture(options);
  return { ...fixture, xzPath: fixture.xzPath! };
}

export const benchFixture = (): Promise<Fixture & { xzPath: string }> => withXz(FULL_SIZE);
export const faithfulFixture = (): Promise<Fixture & { xzPath: string }> => withXz(FEDORA_AARCH64);
