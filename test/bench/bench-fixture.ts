/**
 * The 2 GiB Fedora-IoT-shaped image of the benchmarks and of the full-size browser test (MBR, root
 * filled with ~217 MiB, xz -6): built once through the fixture cache (the build takes minutes), the
 * raw image kept beside the .xz to check flashed cards against.
 */
import { makeFixture, type Fixture } from '../fixtures/fixture';

const MiB = 1024 * 1024;

export const FULL_SIZE = { size: 2048 * MiB, espMib: 64, bootMib: 256, rootFillMib: 217, xz: true } as const;

export async function benchFixture(): Promise<Fixture & { xzPath: string }> {
  const fixture = await makeFixture(FULL_SIZE);
  return { ...fixture, xzPath: fixture.xzPath! };
}
