import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { authFileCandidates, credentialsFrom } from '../../../electron/core/catalog/registry/auth-file';
import { selectReleaseTags } from '../../../electron/core/catalog/registry/release-tags';
import { nextLink } from '../../../electron/core/catalog/registry/tags';
import { parseChallenge } from '../../../electron/core/catalog/registry/www-authenticate';
import { toArch } from '../../../electron/core/catalog/registry/manifests';
import { parseContainerRef } from '../../../shared/domain/container-ref';
import { FiotError } from '../../../shared/errors';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('registry protocol details', () => {
  it('parses quay.io\u2019s Bearer challenge', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://quay.io/v2/auth",service="quay.io",scope="repository:fedora/fedora-iot:pull"'), {
      scheme: 'bearer',
      params: { realm: 'https://quay.io/v2/auth', service: 'quay.io', scope: 'repository:fedora/fedora-iot:pull' },
    });
    assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), { scheme: 'basic', params: { realm: 'Registry Realm' } });
    assert.equal(parseChallenge('Bearer realm=http://x/token, service=reg')?.params.service, 'reg');
  });

  it('follows Link headers, absolute or relative', () => {
    assert.equal(nextLink('</v2/fedora/fedora-iot/tags/list?last=42&n=2>; rel="next"'), '/v2/fedora/fedora-iot/tags/list?last=42&n=2');
    assert.equal(nextLink('<https://quay.io/v2/x/tags/list?n=50&last=9>; rel=next'), 'https://quay.io/v2/x/tags/list?n=50&last=9');
    assert.equal(nextLink(null), null);
  });

  it('keeps release tags newest first, bounded', () => {
    const tags = ['40', 'latest', '42.20250101.0', '41', 'sha256-abc.sig', '43', 'rawhide', '39', '43-aarch64', '100'];
    assert.deepEqual(selectReleaseTags(tags, 3), ['100', '43', '41', 'latest', 'rawhide']);
  });

  it('maps OCI architectures to Fedora\u2019s names and drops the rest', () => {
    assert.equal(toArch('arm64'), 'aarch64');
    assert.equal(toArch('amd64'), 'x86_64');
    assert.equal(toArch('s390x'), null);
  });
});

describe('credentials from auth.json', () => {
  const file = {
    auths: {
      'quay.io': { auth: b64('robot:general') },
      'quay.io/acme': { auth: b64('acme:secret') },
      'https://index.docker.io/v1/': { auth: b64('hub:pass') },
      'broken.example': { auth: b64('nocolon') },
    },
  };

  it('picks the most specific key', () => {
    assert.deepEqual(credentialsFrom(file, 'quay.io', 'acme/iot'), { username: 'acme', password: 'secret' });
    assert.deepEqual(credentialsFrom(file, 'quay.io', 'fedora/fedora-iot'), { username: 'robot', password: 'general' });
    assert.deepEqual(credentialsFrom(file, 'docker.io', 'library/fedora'), { username: 'hub', password: 'pass' });
    assert.equal(credentialsFrom(file, 'broken.example', 'x'), null);
    assert.equal(credentialsFrom(file, 'ghcr.io', 'x'), null);
    assert.equal(credentialsFrom({}, 'quay.io', 'x'), null);
  });

  it('looks where podman and docker look, in their order', () => {
    const files = authFileCandidates({ REGISTRY_AUTH_FILE: '/a/auth.json', XDG_RUNTIME_DIR: '/run/user/1000' }, '/home/me');
    assert.deepEqual(files, [
      '/a/auth.json',
      path.join('/run/user/1000', 'containers', 'auth.json'),
      path.join('/home/me', '.config', 'containers', 'auth.json'),
      path.join('/home/me', '.docker', 'config.json'),
    ]);
  });
});

describe('container references', () => {
  it('parses registry, repository, tag and digest', () => {
    assert.deepEqual(parseContainerRef('quay.io/fedora/fedora-iot:42'), { registry: 'quay.io', repository: 'fedora/fedora-iot', tag: '42', digest: null });
    assert.deepEqual(parseContainerRef('127.0.0.1:5000/me/iot'), { registry: '127.0.0.1:5000', repository: 'me/iot', tag: null, digest: null });
    assert.deepEqual(parseContainerRef('fedora:42'), { registry: 'docker.io', repository: 'library/fedora', tag: '42', digest: null });
    assert.equal(parseContainerRef(`quay.io/a/b@sha256:${'0'.repeat(64)}`).digest, `sha256:${'0'.repeat(64)}`);
  });

  it('refuses what is not a reference, saying how to write one', () => {
    for (const bad of ['', 'Quay.io/Fedora', 'quay.io/fedora/iot:bad tag', 'quay.io/a/b@sha256:xyz', 'http://quay.io/a']) {
      assert.throws(() => parseContainerRef(bad), (e: unknown) => e instanceof FiotError && e.code === 'INVALID_INPUT' && /quay.io\/fedora\/fedora-iot:42/.test(e.hint), bad);
    }
  });
});
