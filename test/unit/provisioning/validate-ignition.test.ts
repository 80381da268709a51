import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateIgnition } from '../../../shared/provisioning';

const fields = (config: unknown) => validateIgnition(config).map((p) => p.field);

describe('validateIgnition', () => {
  it('accepts a minimal config of every known 3.x version', () => {
    for (const version of ['3.0.0', '3.3.0', '3.4.0']) assert.deepEqual(validateIgnition({ ignition: { version } }), []);
  });

  it('refuses what Ignition would reject, naming the field', () => {
    assert.deepEqual(fields([]), ['config']);
    assert.deepEqual(fields({}), ['ignition.version']);
    assert.deepEqual(fields({ ignition: { version: '3.3.0-experimental' } }), ['ignition.version']);
    assert.deepEqual(fields({ ignition: { version: '3.3.0' }, storage: { files: [{ path: 'etc/motd' }] } }), ['storage.files.0.path']);
    assert.deepEqual(fields({ ignition: { version: '3.3.0' }, storage: { files: [{ path: '/etc/motd', mode: '0644' }] } }), ['storage.files.0.mode']);
    assert.deepEqual(fields({ ignition: { version: '3.3.0' }, storage: { files: [{ path: '/a', contents: { source: 'file:///x' } }] } }), ['storage.files.0.contents.source']);
    assert.deepEqual(fields({ ignition: { version: '3.3.0' }, storage: { links: [{ path: '/etc/localtime' }] } }), ['storage.links.0.target']);
    assert.deepEqual(fields({ ignition: { version: '3.3.0' }, storage: { directories: [{ path: 'var/x' }] } }), ['storage.directories.0.path']);
    assert.deepEqual(fields({ ignition: { version: '3.3.0' }, passwd: { users: [{ sshAuthorizedKeys: ['k'] }] } }), ['passwd.users.0.name']);
    assert.deepEqual(fields({ ignition: { version: '3.3.0' }, systemd: { units: [{ name: 'hello' }] } }), ['systemd.units.0.name']);
    assert.deepEqual(fields({ ignition: { version: '3.3.0' }, systemd: { units: [{ name: 'a.service', dropins: [{ name: 'x' }] }] } }), ['systemd.units.0.dropins.0.name']);
    assert.deepEqual(fields({ ignition: { version: '3.3.0', config: { merge: [{ source: 'nope' }] } } }), ['ignition.config.merge.0.source']);
    assert.deepEqual(fields({ ignition: { version: '3.3.0' }, storgae: {} }), ['storgae']);
  });

  it('says what a path problem is', () => {
    const [p] = validateIgnition({ ignition: { version: '3.3.0' }, storage: { files: [{ path: 'etc/motd' }] } });
    assert.equal(p!.message, 'storage.files.0.path: "etc/motd" must be an absolute path such as /etc/motd');
  });
});
