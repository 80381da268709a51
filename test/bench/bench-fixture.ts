/**
 * The benchmarks' 2 GiB Fedora-IoT-shaped image (MBR, root filled with ~217 MiB, xz -6), built
 * once with test/fixtures/make-fedora-iot-image.sh and kept in $TMPDIR/fiot-bench-fixture/ (the
 * build takes minutes); the raw image stays beside it to check flashed cards against.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');

export function benchFixture(): { xz: string; raw: string } {
  const dir = path.join(os.tmpdir(), 'fiot-bench-fixture');
  const raw = path.join(dir, 'fedora-iot-2g.raw');
  if (!existsSync(`${raw}.xz`) || !existsSync(raw)) {
    mkdirSync(dir, { recursive: true });
    console.log('Building the 2 GiB fixture (root fill 217 MiB, xz -6; several minutes on a busy machine)…');
    execFileSync('bash', [path.join(root, 'test/fixtures/make-fedora-iot-image.sh'), '--out', raw, '--size', '2G', '--xz'], { stdio: 'inherit' });
  }
  return { xz: `${raw}.xz`, raw };
}
