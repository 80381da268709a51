/**
 * The Fedora-IoT-shaped image provisioning tests use: both layouts, Fedora's ext4 features, but
 * small (128 MiB, 4 MiB of root files), because provisioning only touches the boot partition and
 * several specs also compress it with xz.
 */
import { makeFixture, type Fixture, type FixtureOptions } from '../fixtures/fixture';

const MiB = 1024 * 1024;

export function provisionFixture(options: Pick<FixtureOptions, 'layout' | 'zezere' | 'xz'> = {}): Promise<Fixture> {
  return makeFixture({ size: 128 * MiB, espMib: 32, bootMib: 48, rootFillMib: 4, ...options });
}
