import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builderRunArgs, elevate, hostArch, sourcePullArgs, stopArgs } from '../../../electron/core/build/podman-command';

test('the builder runs rootful and privileged with both volumes, the config, and the image last', () => {
  const args = builderRunArgs({ buildId: 'b1', reference: 'quay.io/fedora/fedora-iot:42', arch: 'aarch64', rootfs: 'ext4', outputDir: '/home/me/out', configPath: '/cache/builds/b1/config.toml', chown: '1000:1000', host: 'x86_64' });
  assert.deepEqual(args, [
    'run', '--rm', '--privileged', '--pull=newer', '--security-opt', 'label=type:unconfined_t', '--name', 'fiot-build-b1',
    '-v', '/home/me/out:/output', '-v', '/var/lib/containers/storage:/var/lib/containers/storage', '-v', '/cache/builds/b1/config.toml:/config.toml:ro',
    'quay.io/centos-bootc/bootc-image-builder:latest', '--type', 'raw', '--rootfs', 'ext4', '--target-arch', 'arm64', '--progress', 'verbose', '--chown', '1000:1000',
    'quay.io/fedora/fedora-iot:42',
  ]);
});

test('a native build passes no --target-arch, and no config mount without a config', () => {
  const args = builderRunArgs({ buildId: 'b2', reference: 'quay.io/fedora/fedora-bootc:42', arch: 'x86_64', rootfs: 'xfs', outputDir: '/o', host: 'x86_64' });
  assert.ok(!args.includes('--target-arch'));
  assert.ok(!args.some((a) => a.includes('/config.toml')));
  assert.deepEqual(args.slice(args.indexOf('--type')), ['--type', 'raw', '--rootfs', 'xfs', '--progress', 'verbose', 'quay.io/fedora/fedora-bootc:42']);
});

test('the source is pulled for the target platform, and the container is stopped by its name', () => {
  assert.deepEqual(sourcePullArgs('quay.io/fedora/fedora-iot:42', 'aarch64'), ['pull', '--platform', 'linux/arm64', 'quay.io/fedora/fedora-iot:42']);
  assert.deepEqual(sourcePullArgs('quay.io/fedora/fedora-iot:42', 'x86_64'), ['pull', '--platform', 'linux/amd64', 'quay.io/fedora/fedora-iot:42']);
  assert.deepEqual(stopArgs('b1'), ['stop', '--time', '10', 'fiot-build-b1']);
});

test('only podman is elevated: pkexec for a normal user on Linux, nothing for root or a podman machine', () => {
  assert.deepEqual(elevate('podman', ['run', 'x'], { platform: 'linux', uid: 1000, pkexec: '/usr/bin/pkexec' }), { command: '/usr/bin/pkexec', args: ['podman', 'run', 'x'], note: 'podman runs as root through pkexec: approve the administrator prompt.' });
  assert.deepEqual(elevate('podman', ['run'], { platform: 'linux', uid: 0, pkexec: '/usr/bin/pkexec' }), { command: 'podman', args: ['run'], note: null });
  assert.equal(elevate('podman', ['run'], { platform: 'darwin', uid: 501, pkexec: null }).command, 'podman');
});

test('host architectures map to board architectures', () => {
  assert.equal(hostArch('x64'), 'x86_64');
  assert.equal(hostArch('arm64'), 'aarch64');
  assert.equal(hostArch('riscv64'), null);
});
