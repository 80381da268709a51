/**
 * When podman runs elevated for a normal user, the builder is told to hand the output back
 * (--chown UID:GID): the image in DIR belongs to the user, not to root.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { BuildManager } from '../../../electron/core/build/build-manager';
import { setupStandin, type StandinSetup } from '../../helpers/podman-standin';
import { rootSkipReason } from '../../helpers/system';

let s: StandinSetup | undefined;
after(() => s?.dispose());

test('the built image in DIR is owned by the user the build ran for', { skip: rootSkipReason('to give files away') ?? false }, async () => {
  s = await setupStandin();
  Object.assign(process.env, s.env);
  const manager = new BuildManager({ configDir: s.configDir, cacheDir: s.cacheDir, podman: s.env.FIOT_PODMAN! }, { chown: '4321:4322' });
  const out = path.join(s.dir, 'out');
  const { record } = await manager.start({ reference: 'quay.io/fedora/fedora-bootc:42', arch: 'x86_64', outputDir: out }).done;
  assert.equal(record.status, 'succeeded', JSON.stringify(record.error));
  const runCall = s.calls().find((c) => c[0] === 'run')!;
  assert.deepEqual(runCall.slice(runCall.indexOf('--chown'), runCall.indexOf('--chown') + 2), ['--chown', '4321:4322']);
  const owner = statSync(path.join(out, 'image', 'disk.raw'));
  assert.deepEqual([owner.uid, owner.gid], [4321, 4322]);
});
