/**
 * The benchmarks' images, built once through the fixture cache (each build takes minutes), the raw
 * image kept beside the .xz to check flashed cards against:
 * - the faithful one: a published Fedora IoT aarch64 image's shape (6 GiB, 1.2 GiB of real files
 *   in root, xz -0 in 1 MiB blocks as osbuild compresses it);
 * - the 2 GiB single-block one (MBR, root filled with ~217 MiB, xz -6), also the full-size browser test's;
 * - a person's own image: 2 GiB, GPT, 160 MiB of real files from this machine's /usr, `xz -6` (one
 *   block, so no random access). Real binaries decode at the pace of a real image; the generated
 *   fill is three quarters repetitive text, which xz decodes faster than anything a person flashes.
 */
import { FEDORA_AARCH64, makeFixture, type Fixture, type FixtureOptions } from '../fixtures/fixture';

const MiB = 1024 * 1024;

export const FULL_SIZE = { size: 2048 * MiB, espMib: 64, bootMib: 256, rootFillMib: 217, xz: true } as const;

async function withXz(options: FixtureOptions): Promise<Fixture & { xzPath: string }> {
  const fixture = await makeFixture(options);
  return { ...fixture, xzPath: fixture.xzPath! };
}

export const OWN_XZ = { layout: 'gpt', size: 2048 * MiB, espMib: 64, bootMib: 256, rootFillMib: 0, rootUsrMib: 160, xz: true } as const;

export const benchFixture = (): Promise<Fixture & { xzPath: string }> => withXz(FULL_SIZE);
export const ownXzFixture = (): Promise<Fixture & { xzPath: string }> => withXz(OWN_XZ);
export const faithfulFixture = (): Promise<Fixture & { xzPath: string }> => withXz(FEDORA_AARCH64);
