/**
 * How the writer reaches its targets: UDisks2 descriptors for an unprivileged writer first, pkexec
 * only without UDisks2, never a file in a root writer; and the packaging that pkexec relies on (the
 * polkit action names the very launcher path the app runs, and the packages ship both).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Drive } from '../../../shared/domain/drive';
import { FiotError } from '../../../shared/errors';
import { writerAccess } from '../../../electron/core/flash/writer-access';
import { INSTALLED_WRITER_LAUNCHER, type WriterCommand, type WriterHost } from '../../../electron/core/flash/writer-command';

const root = path.resolve(import.meta.dirname, '../../..');
const drive = (device: string, kind: Drive['kind']): Drive => ({ device, description: device, size: 1 << 30, isSystem: false, isRemovable: true, isReadOnly: false, isVirtual: false, kind, mountpoints: [] });
const card = drive('/dev/sdb', 'drive');
const file = drive('/home/u/out.img', 'file');
const user: WriterHost = { platform: 'linux', root: false, env: {} };

/** Records what was asked for; "elevated" stands for pkexec, which a root host never needs (as writerCommand decides). */
function commands(host: WriterHost = user) {
  const asked: boolean[] = [];
  const command = (needsPrivilege: boolean): WriterCommand => {
    asked.push(needsPrivilege);
    const elevated = needsPrivilege && !host.root;
    return { command: elevated ? 'pkexec' : 'node', args: [], env: {}, elevated };
  };
  return { asked, command };
}

describe('writer access', () => {
  test('with UDisks2: the drives’ descriptors and an unprivileged writer, files in the same run', async () => {
    const { asked, command } = commands();
    const opened: string[][] = [];
    const access = await writerAccess([card, file], { writerHost: user, writerCommand: command, openDevices: async (devices) => (opened.push(devices), new Map([['/dev/sdb', 42]])) });
    assert.deepEqual(opened, [['/dev/sdb']], 'only the drive is opened through UDisks2');
    assert.deepEqual(asked, [false]);
    assert.deepEqual([...access.descriptors], [['/dev/sdb', 42]]);
  });

  test('without UDisks2: pkexec for drives only; a mixed run is refused, saying to split it', async () => {
    const { asked, command } = commands();
    const absent = async () => null;
    assert.equal((await writerAccess([card], { writerHost: user, writerCommand: command, openDevices: absent })).command.elevated, true);
    await assert.rejects(writerAccess([card, file], { writerHost: user, writerCommand: command, openDevices: absent }), (error: unknown) => error instanceof FiotError && error.code === 'INVALID_INPUT' && /two separate runs/.test(error.hint));
    assert.deepEqual(asked, [true, true]);
  });

  test('files only, or already root: no UDisks2, no pkexec', async () => {
    const never = async (): Promise<null> => assert.fail('UDisks2 was asked');
    const asUser = commands();
    assert.equal((await writerAccess([file], { writerHost: user, writerCommand: asUser.command, openDevices: never })).command.elevated, false);
    const rootHost = { ...user, root: true };
    const asRoot = commands(rootHost);
    const access = await writerAccess([card, file], { writerHost: rootHost, writerCommand: asRoot.command, openDevices: never });
    assert.deepEqual([access.command.elevated, access.descriptors.size], [false, 0]);
  });

  test('a refused UDisks2 prompt is the job’s error, not a fallback to pkexec', async () => {
    const { asked, command } = commands();
    const refused = async (): Promise<null> => {
      throw new FiotError('PERMISSION_DENIED', 'Permission to write /dev/sdb was not given.');
    };
    await assert.rejects(writerAccess([card], { writerHost: user, writerCommand: command, openDevices: refused }), /was not given/);
    assert.deepEqual(asked, []);
  });
});

describe('the packages carry what pkexec relies on', () => {
  test('the polkit action names this app and exactly the launcher path the app runs', () => {
    const policy = readFileSync(path.join(root, 'assets/linux/org.fedoraproject.iot.flasher.policy'), 'utf8');
    assert.match(policy, /<action id="org\.fedoraproject\.iot\.flasher\.write">/);
    assert.match(policy, /<message>Fedora IoT Flasher /);
    assert.ok(policy.includes(`<annotate key="org.freedesktop.policykit.exec.path">${INSTALLED_WRITER_LAUNCHER}</annotate>`));
  });

  test('electron-builder ships the launcher beside the resources and the policy in the deb and rpm', () => {
    const builder = readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');
    assert.match(builder, /from: assets\/linux\/fiot-writer\n\s+to: fiot-writer/);
    assert.equal(builder.match(/assets\/linux\/org\.fedoraproject\.iot\.flasher\.policy=\/usr\/share\/polkit-1\/actions\/org\.fedoraproject\.iot\.flasher\.policy/g)?.length, 2);
    assert.match(builder, /executableName: fedora-iot-flasher/);
  });

  test('the launcher clears the environment and starts the bundled writer, elevated', () => {
    const launcher = readFileSync(path.join(root, 'assets/linux/fiot-writer'), 'utf8');
    assert.match(launcher, /exec \/usr\/bin\/env -i PATH=\/usr\/sbin:\/usr\/bin:\/sbin:\/bin /);
    assert.match(launcher, /binary=\$\(readlink -f -- "\$here\/\.\.\/fedora-iot-flasher"\)/);
    assert.match(launcher, /writer=\$\(readlink -f -- "\$here\/app\.asar\.unpacked\/dist\/writer\/main\.cjs"\)/);
    assert.match(launcher, /"\$binary" "\$writer" --elevated/);
  });
});
