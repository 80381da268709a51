import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { buildSessionScript, parseSessionLine, sessionFailure, shellQuote } from '../../../electron/core/build/build-session';

test('every value reaches the shell as exactly one word, whatever it holds', () => {
  for (const value of ["it's", '$(touch /tmp/pwned)', 'a b\tc\nd', '`id`', '"; rm -rf / #', '']) {
    assert.equal(execFileSync('/bin/sh', ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8' }), value);
  }
});

test('the session checks for cancel before each step and watches it while the builder runs', () => {
  const script = buildSessionScript({
    podman: '/usr/bin/podman', builderImage: 'quay.io/centos-bootc/bootc-image-builder:latest', cancelFile: "/tmp/o'k/cancel",
    buildId: 'b1', reference: 'quay.io/fedora/fedora-iot:42', arch: 'aarch64', rootfs: 'ext4', outputDir: '/out dir', host: 'x86_64',
  });
  assert.equal(script.match(/\[ -e '\/tmp\/o'\\''k\/cancel' \] && exit 130/g)?.length, 3);
  assert.match(script, /then stopping=1; '\/usr\/bin\/podman' 'stop' '--time' '10' 'fiot-build-b1'/);
  assert.match(script, /'\/usr\/bin\/podman' 'image' 'exists' 'quay\.io\/centos-bootc\/bootc-image-builder:latest' \|\| '\/usr\/bin\/podman' 'pull' 'quay\.io\/centos-bootc\/bootc-image-builder:latest' \|\| exit \$\?/);
  assert.match(script, /'\/usr\/bin\/podman' 'pull' '--platform' 'linux\/arm64' 'quay\.io\/fedora\/fedora-iot:42' \|\| exit \$\?/);
  assert.match(script, /\n'\/usr\/bin\/podman' 'run' .* '-v' '\/out dir:\/output' .* 'quay\.io\/fedora\/fedora-iot:42' &\nbuilder=\$!/);
  assert.equal(script.split('\n').at(-1), 'wait "$builder"');
  assert.deepEqual(parseSessionLine('@@fiot-step build'), { kind: 'step', step: 'build' });
  assert.deepEqual(parseSessionLine('Build complete!'), { kind: 'log', line: 'Build complete!' });
});

test('a failed session reads by the step it stopped in', () => {
  const o = { reference: 'quay.io/fedora/fedora-iot:42', builderImage: 'quay.io/centos-bootc/bootc-image-builder:latest', elevated: true };
  const refused = sessionFailure(null, { code: 126, stdout: '', stderr: '', notFound: false }, o);
  assert.equal(refused.error.code, 'PERMISSION_DENIED');
  assert.match(refused.error.message, /administrator prompt was dismissed or refused/);
  const builder = sessionFailure('builder', { code: 125, stdout: '', stderr: 'Error: initializing source: no such host\n', notFound: false }, o);
  assert.equal(builder.error.code, 'PREFLIGHT_FAILED');
  assert.equal(builder.check?.ok, false);
  assert.match(builder.error.message, /could not pull the builder image .*: initializing source: no such host/);
  const source = sessionFailure('source', { code: 125, stdout: '', stderr: 'Error: manifest unknown\n', notFound: false }, o);
  assert.match(source.error.message, /^podman could not pull quay\.io\/fedora\/fedora-iot:42: manifest unknown$/);
  const build = sessionFailure('build', { code: 1, stdout: 'Error: cannot build manifest: boom\n', stderr: 'later noise\n', notFound: false }, o);
  assert.match(build.error.message, /bootc-image-builder failed \(exit status 1\): cannot build manifest: boom/);
});
