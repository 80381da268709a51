/**
 * `fiot-flash build` end to end against the podman stand-in: the exact builder command line, the
 * config it receives, the image in --output DIR and in the cache, the history, --json output,
 * each preflight failure as a person reads it, and a failed build that leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { setupStandin, type StandinSetup } from '../../helpers/podman-standin';
import { loopSkipReason, rootSkipReason, run } from '../../helpers/system';
import { createLoopDisk } from '../../helpers/loop';

const CLI = path.resolve(import.meta.dirname, '..', '..', '..', 'bin', 'fiot-flash.mjs');
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJq51cKG27S1GBP6RtuemcduqecDwZCvuehLE4nyqW7U tech@bench';
const REF = 'quay.io/fedora/fedora-iot:42';
const setups: StandinSetup[] = [];
after(() => setups.forEach((s) => s.dispose()));

async function standin(extra: NodeJS.ProcessEnv = {}) {
  const s = await setupStandin(extra);
  setups.push(s);
  return s;
}

function cli(args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** `fiot-flash build` in a stand-in of its own; every test that needs a built image makes it here. */
async function build() {
  const s = await standin();
  const out = path.join(s.dir, 'out');
  const r = cli(['build', REF, '--arch', 'aarch64', '--output', out, '--user', 'core', '--ssh-key', KEY], s.env);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return { s, out, r, image: path.join(out, 'image', 'disk.raw') };
}

test('build quay.io/fedora/fedora-iot:42 --arch aarch64 --output DIR --user core --ssh-key KEY', async () => {
  const { s, out, r, image } = await build();

  const history = JSON.parse(readFileSync(path.join(s.configDir, 'build-history.json'), 'utf8')) as Array<Record<string, string>>;
  const record = history[0]!;
  assert.equal(record.status, 'succeeded');
  assert.match(record.digest ?? '', /^sha256:[0-9a-f]{64}$/);

  // The builder was called as documented: rootful, privileged, both volumes, the config, raw, ext4, arm64, the image last.
  const calls = s.calls();
  const runCall = calls.find((c) => c[0] === 'run')!;
  const configPath = path.join(s.cacheDir, 'builds', record.id!, 'config.toml');
  assert.deepEqual(runCall, [
    'run', '--rm', '--privileged', '--pull=newer', '--security-opt', 'label=type:unconfined_t', '--name', `fiot-build-${record.id}`,
    '-v', `${out}:/output`, '-v', '/var/lib/containers/storage:/var/lib/containers/storage', '-v', `${configPath}:/config.toml:ro`,
    'quay.io/centos-bootc/bootc-image-builder:latest', '--type', 'raw', '--rootfs', 'ext4', '--target-arch', 'arm64', '--progress', 'verbose', REF,
  ]);
  // The source went into root's storage, for the board's platform, before the builder ran.
  assert.ok(calls.findIndex((c) => c.join(' ') === `pull --platform linux/arm64 ${REF}`) < calls.indexOf(runCall));

  // The config the builder read carries the user and the key, for the image and for Ignition.
  const config = readFileSync(s.configCopy, 'utf8');
  assert.match(config, /\[\[customizations\.user\]\]\nname = "core"\nkey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJq51cKG27S1GBP6RtuemcduqecDwZCvuehLE4nyqW7U tech@bench"\ngroups = \["wheel"\]/);
  const embedded = /\[customizations\.ignition\.embedded\]\nconfig = "([^"]+)"/.exec(config)?.[1] ?? '';
  assert.deepEqual((JSON.parse(Buffer.from(embedded, 'base64').toString('utf8')) as { passwd: unknown }).passwd, { users: [{ name: 'core', sshAuthorizedKeys: [KEY], groups: ['wheel'] }] });
  assert.ok(!existsSync(configPath), 'the config (it may hold password hashes) is removed after the build');

  // The image is in DIR and in the cache, byte for byte what the builder produced.
  assert.equal(sha256(image), sha256(s.disk));
  const index = JSON.parse(readFileSync(path.join(s.cacheDir, 'index.json'), 'utf8')) as unknown;
  const entries = (Array.isArray(index) ? index : (index as { entries: unknown[] }).entries) as Array<{ sha256: string; file: string; sources: string[] }>;
  const entry = entries.find((e) => e.sources.includes(`bootc-build:${record.id}`))!;
  assert.equal(entry.sha256, sha256(s.disk));
  assert.equal(sha256(path.join(s.cacheDir, entry.file)), entry.sha256);
  assert.equal(record.imagePath, path.join(s.cacheDir, entry.file));
  assert.equal(record.outputPath, image);
  assert.match(r.stdout, /Build complete!/);
  assert.match(r.stdout, /==>\s+25%\s+Labelling files for SELinux/);
  assert.match(r.stdout, new RegExp(`Also saved as ${image}`));
});

test('the built image flashes to a card', { skip: loopSkipReason() ?? false }, async () => {
  const { s, image: builtImage } = await build();
  const card = createLoopDisk(80 * 1024 * 1024);
  try {
    const flash = cli(['flash', builtImage, '--drive', card.device, '--yes'], s.env);
    assert.equal(flash.code, 0, flash.stderr + flash.stdout);
    const size = String(readFileSync(builtImage).length);
    assert.equal(spawnSync('cmp', ['-n', size, builtImage, card.device]).status, 0, 'the card holds the built image');
  } finally {
    card.dispose();
  }
});

test('the built image takes provisioning like any Fedora IoT image file', async () => {
  const { s, image: builtImage } = await build();
  const copy = path.join(s.dir, 'provision-me.raw');
  copyFileSync(builtImage, copy);
  const r = cli(['provision', copy, '--hostname', 'built-pi'], s.env);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /Provisioned .* as built-pi/);
});

test('--json: log lines, progress that only moves forward, and the result with the image paths', async () => {
  const s = await standin();
  const out = path.join(s.dir, 'out-json');
  const r = cli(['build', 'quay.io/fedora/fedora-bootc:42', '--arch', 'x86_64', '--rootfs', 'xfs', '--output', out, '--json'], s.env);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const progress = lines.filter((l) => l.type === 'progress').map((l) => l.percent as number);
  assert.deepEqual(progress, [...progress].sort((a, b) => a - b));
  assert.equal(progress.at(-1), 100);
  assert.ok(lines.some((l) => l.type === 'log' && l.line === 'Build complete!'));
  const result = lines.at(-1)!;
  assert.equal(result.type, 'result');
  assert.equal(result.ok, true);
  assert.equal(result.output, path.join(out, 'image', 'disk.raw'));
  assert.ok(existsSync(result.image as string));
  const runCall = s.calls().find((c) => c[0] === 'run')!;
  assert.ok(!runCall.includes('--target-arch'), 'a native build passes no target architecture');
  assert.ok(!runCall.some((a) => a.endsWith(':/config.toml:ro')), 'no settings, no config');
  assert.deepEqual(runCall.slice(runCall.indexOf('--type')), ['--type', 'raw', '--rootfs', 'xfs', '--progress', 'verbose', 'quay.io/fedora/fedora-bootc:42']);
});

function assertNothingBuilt(s: StandinSetup, out: string) {
  assert.ok(!s.calls().some((c) => c[0] === 'run'), 'the builder never ran');
  assert.ok(!existsSync(path.join(out, 'image')), 'nothing was written');
}

test('preflight: no qemu-user-static for a cross build reads as what to install', async () => {
  const s = await standin();
  const emptyBinfmt = path.join(s.dir, 'empty-binfmt');
  mkdirSync(emptyBinfmt);
  const out = path.join(s.dir, 'out');
  const r = cli(['build', REF, '--arch', 'aarch64', '--output', out], { ...s.env, FIOT_BINFMT_DIR: emptyBinfmt });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /✗ this machine can build aarch64 images/);
  assert.match(r.stderr, /Error: This is an x86_64 machine; building aarch64 images here needs qemu-user-static, which is not set up/);
  assert.match(r.stderr, /sudo apt-get install qemu-user-static binfmt-support/);
  assertNothingBuilt(s, out);
});

test('preflight: podman missing, too old, builder image unreachable', async () => {
  const s = await standin();
  const out = path.join(s.dir, 'out');
  const missing = cli(['build', REF, '--arch', 'x86_64', '--output', out], { ...s.env, FIOT_PODMAN: path.join(s.dir, 'no-podman-here') });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /podman \(“.*no-podman-here”\) is not installed\. Install podman: sudo dnf install podman \(Fedora\) or sudo apt-get install podman/);

  const old = cli(['build', REF, '--arch', 'x86_64', '--output', out], { ...s.env, FIOT_STANDIN_FAULT: 'old-version' });
  assert.equal(old.code, 1);
  assert.match(old.stderr, /podman 3\.4\.4 is too old; building needs podman 4\.0\.0 or newer\. Update podman/);

  const unpullable = cli(['build', REF, '--arch', 'x86_64', '--output', out, '--json'], { ...s.env, FIOT_STANDIN_FAULT: 'builder-unpullable' });
  assert.equal(unpullable.code, 1);
  const result = JSON.parse(unpullable.stdout.trim().split('\n').at(-1)!) as { ok: boolean; error: { code: string; message: string }; preflight: Array<{ id: string; ok: boolean }> };
  assert.equal(result.ok, false);
  assert.equal(result.error.code, 'PREFLIGHT_FAILED');
  assert.match(result.error.message, /could not pull the builder image quay\.io\/centos-bootc\/bootc-image-builder:latest: .*lookup quay\.io: no such host.*Check the network connection/s);
  assert.deepEqual(result.preflight.filter((c) => !c.ok).map((c) => c.id), ['builder-image']);
  assertNothingBuilt(s, out);
});

test('preflight: an output folder on a nearly full disk is refused before anything runs', { skip: rootSkipReason('to mount a small tmpfs') ?? false }, async () => {
  const s = await standin();
  const small = path.join(s.dir, 'small');
  mkdirSync(small);
  run('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', small]);
  try {
    const r = cli(['build', REF, '--arch', 'x86_64', '--output', small], s.env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`Not enough disk space: ${small} has 0\\.0 GiB free; a raw image needs about 10\\.0 GiB`));
    assert.match(r.stderr, /choose another output folder with --output/);
    assertNothingBuilt(s, small);
  } finally {
    run('umount', [small]);
  }
});

test('a build failing mid-way reports the builder’s error and leaves no partial image anywhere', async () => {
  const s = await standin({ FIOT_STANDIN_FAULT: 'fail-mid-build' });
  const out = path.join(s.dir, 'keep');
  mkdirSync(out);
  writeFileSync(path.join(out, 'notes.txt'), 'mine');
  const r = cli(['build', REF, '--arch', 'x86_64', '--output', out], s.env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /No space left on device/);
  assert.match(r.stderr, /Error: bootc-image-builder failed \(exit status 1\): cannot run osbuild: running osbuild failed: exit status 1/);
  assert.match(r.stderr, /Read the build log for the first error/);
  assert.deepEqual(readdirSync(out), ['notes.txt'], 'the partial image and manifest are gone, the user’s file stays');
  assert.ok(!existsSync(path.join(s.cacheDir, 'index.json')) || !readFileSync(path.join(s.cacheDir, 'index.json'), 'utf8').includes('bootc-build:'));
  assert.deepEqual(existsSync(path.join(s.cacheDir, 'builds')) ? readdirSync(path.join(s.cacheDir, 'builds')) : [], []);
  const [record] = JSON.parse(readFileSync(path.join(s.configDir, 'build-history.json'), 'utf8')) as Array<{ status: string; error: { code: string } }>;
  assert.equal(record?.status, 'failed');
  assert.equal(record?.error.code, 'BUILD_FAILED');
});

test('an unknown tag, an image already in DIR, and bad flags are refused plainly', async () => {
  const s = await standin({ FIOT_STANDIN_FAULT: 'source-unpullable' });
  const out = path.join(s.dir, 'out');
  const tag = cli(['build', 'quay.io/fedora/fedora-iot:99', '--arch', 'x86_64', '--output', out], s.env);
  assert.equal(tag.code, 1);
  assert.match(tag.stderr, /podman could not pull quay\.io\/fedora\/fedora-iot:99: initializing source .*manifest unknown/);
  assert.match(tag.stderr, /Check the image name and tag/);

  mkdirSync(path.join(out, 'image'), { recursive: true });
  writeFileSync(path.join(out, 'image', 'disk.raw'), 'an earlier build');
  const clash = cli(['build', REF, '--arch', 'x86_64', '--output', out], { ...s.env, FIOT_STANDIN_FAULT: '' });
  assert.equal(clash.code, 1);
  assert.match(clash.stderr, /already holds image\/disk\.raw from an earlier build\.\n {2}Move that image away, or choose another folder with --output\./);
  assert.equal(readFileSync(path.join(out, 'image', 'disk.raw'), 'utf8'), 'an earlier build');

  assert.equal(cli(['build', REF], s.env).code, 2);
  assert.equal(cli(['build', REF, '--arch', 'armhfp'], s.env).code, 2);
  const flagLike = cli(['build', '--arch', 'x86_64', '--', '--privileged'], s.env);
  assert.equal(flagLike.code, 1);
  assert.match(flagLike.stderr, /reference: must be a container image reference such as quay\.io\/fedora\/fedora-iot:42/);
});

test('Ctrl-C cancels: the container is stopped, the partial image removed, exit status 1', async () => {
  const s = await standin({ FIOT_STANDIN_DELAY_MS: '40' });
  const out = path.join(s.dir, 'out-interrupted');
  const child = spawn(process.execPath, [CLI, 'build', REF, '--arch', 'x86_64', '--output', out], { env: s.env });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const interrupted = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('org.osbuild.bootc.install-to-filesystem') && !child.killed) {
        child.kill('SIGINT');
        resolve();
      }
    });
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  await interrupted;
  assert.equal(code, 1);
  assert.match(stderr, /Error: The build was cancelled\./);
  assert.ok(s.calls().some((c) => c[0] === 'stop'), 'the container was stopped');
  assert.ok(!existsSync(out), 'the output folder the build created is gone');
});
