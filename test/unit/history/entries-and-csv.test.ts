import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvField, entriesFromFlash, historyCsv, provisioningSummary } from '../../../electron/core/history';
import type { Drive } from '../../../shared/domain/drive';
import type { FlashResult } from '../../../shared/domain/flash';
import { imageLabel } from '../../../shared/domain/history';
import { ED25519_KEY } from '../../helpers/ssh-keys';
import { sampleEntry } from './sample-entry';

const HASH = '$6$saltsalt$' + 'x'.repeat(86);
const PSK = 'very secret passphrase';

const secretProfile = {
  hostname: 'fleet-{n:03}',
  users: [{ name: 'core', passwordHash: HASH, sshAuthorizedKeys: [ED25519_KEY] }, { name: 'ops' }],
  wifi: { ssid: 'shopfloor', psk: PSK },
  files: [{ path: '/etc/token', contents: 'api-token-123' }],
  mergeConfig: '{"ignition":{"version":"3.3.0"},"passwd":{"users":[{"name":"x","passwordHash":"merged-secret"}]}}',
};

const drives: Drive[] = [
  { device: '/dev/sdb', description: 'SanDisk Ultra', size: 32e9, isSystem: false, isRemovable: true, isReadOnly: false, isVirtual: false, kind: 'drive', mountpoints: [] },
  { device: '/dev/sdc', description: 'Kingston', size: 16e9, isSystem: false, isRemovable: true, isReadOnly: false, isVirtual: false, kind: 'drive', mountpoints: [] },
];

function result(overrides: Partial<FlashResult> = {}): FlashResult {
  return {
    jobId: 'job-9',
    ok: false,
    source: 'fedora-iot:42@rpi4',
    imageSize: 1000,
    sourceSha256: 'c'.repeat(64),
    targets: [
      { device: '/dev/sdb', state: 'done', bytesWritten: 1000, verified: true, writtenSha256: 'd'.repeat(64), hostname: 'fleet-001' },
      { device: '/dev/sdc', state: 'failed', bytesWritten: 10, verified: false, hostname: 'fleet-002', error: { code: 'WRITE_FAILED', message: 'EIO at 4096', hint: 'h' } },
    ],
    durationMs: 42_000,
    ...overrides,
  };
}

test('each card becomes an entry with its device, hostname and own outcome', () => {
  const at = new Date('2026-11-26T09:00:00Z');
  const entries = entriesFromFlash({ result: result(), request: { source: 'fedora-iot:42@rpi4', targets: ['/dev/sdb', '/dev/sdc'], provisioning: secretProfile }, drives }, at);
  assert.deepEqual(entries.map((e) => [e.card, e.device.path, e.device.description, e.hostname, e.result, e.error?.code]), [
    [1, '/dev/sdb', 'SanDisk Ultra', 'fleet-001', 'verified', undefined],
    // The failed card never got its name: the history does not claim it did.
    [2, '/dev/sdc', 'Kingston', undefined, 'failed', 'WRITE_FAILED'],
  ]);
  assert.equal(entries[0]!.time, '2026-11-26T09:00:00.000Z');
  assert.deepEqual(entries[0]!.source, { given: 'fedora-iot:42@rpi4', sha256: 'c'.repeat(64) });
  assert.deepEqual(entries[0]!.provisioning, { mode: 'config', users: ['core', 'ops'] });
});

test('no secret of the profile reaches an entry: no password hash, SSH key, Wi-Fi passphrase, file or merged config', () => {
  const entries = entriesFromFlash({ result: result(), request: { source: 's', targets: ['/dev/sdb', '/dev/sdc'], provisioning: secretProfile }, drives });
  const text = JSON.stringify(entries) + historyCsv(entries);
  for (const secret of [HASH, 'saltsalt', ED25519_KEY.split(' ')[1]!, PSK, 'api-token-123', 'merged-secret', 'shopfloor']) {
    assert.ok(!text.includes(secret), `entry holds ${secret.slice(0, 12)}…`);
  }
});

test('a job that stopped before writing records each named target as failed with the job’s error', () => {
  const stopped = result({ imageSize: 0, targets: [{ device: '/dev/sdz', state: 'failed', bytesWritten: 0, verified: false }], error: { code: 'SOURCE_CORRUPT', message: 'bad xz' } });
  const [entry] = entriesFromFlash({ result: stopped, request: { source: 'x.raw.xz', targets: ['/dev/sdz'] }, drives: [] });
  assert.equal(entry!.result, 'failed');
  assert.deepEqual(entry!.error, { code: 'SOURCE_CORRUPT', message: 'bad xz' });
  assert.deepEqual(entry!.device, { path: '/dev/sdz' });
  assert.deepEqual(entry!.provisioning, { mode: 'none', users: [] });
});

test('cancelled and unverified cards say so', () => {
  const mixed = result({ targets: [
    { device: '/dev/sdb', state: 'cancelled', bytesWritten: 5, verified: false },
    { device: '/dev/sdc', state: 'done', bytesWritten: 1000, verified: false },
  ] });
  assert.deepEqual(entriesFromFlash({ result: mixed, request: { source: 's', targets: ['/dev/sdb', '/dev/sdc'], verify: false }, drives }).map((e) => e.result), ['cancelled', 'ok']);
});

test('provisioning modes: URL, Zezere, an empty profile and none', () => {
  assert.deepEqual(provisioningSummary({ ignitionUrl: 'https://cfg.example/card.ign?token=abc' }), { mode: 'url', users: [] });
  assert.deepEqual(provisioningSummary({ zezereUrl: 'https://zezere.example/' }), { mode: 'zezere', users: [] });
  assert.deepEqual(provisioningSummary({}), { mode: 'none', users: [] });
  assert.deepEqual(provisioningSummary(undefined), { mode: 'none', users: [] });
});

test('CSV fields: plain ones as they are; commas, quotes and line breaks quoted with quotes doubled', () => {
  assert.equal(csvField('fleet-001'), 'fleet-001');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField(''), '');
});

test('CSV fields that a spreadsheet would run as a formula are kept as text', () => {
  assert.equal(csvField('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
  assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvField('+1'), "'+1");
});

test('the CSV has a header and one CRLF-ended row per card', () => {
  const csv = historyCsv([sampleEntry(), sampleEntry({ card: 2, hostname: 'fleet-002', device: { path: '/dev/sdc' }, result: 'failed', error: { code: 'VERIFY_FAILED', message: 'byte 7, differs' } })]);
  const rows = csv.split('\r\n');
  assert.equal(rows.length, 4);
  assert.equal(rows[3], '');
  assert.ok(rows[0]!.startsWith('time,hostname,device,device_description,device_size,image,'));
  assert.match(rows[1]!, /^2026-11-26T08:00:00.000Z,fleet-001,\/dev\/sdb,Generic SD card reader,32000000000,\/images\/Fedora-IoT-raw-42.aarch64.raw.xz,a{64},4294967296,verified,,,b{64},config,core,61.5,job-1,1,,,,,,,,,$/);
  assert.match(rows[2]!, /,failed,VERIFY_FAILED,"byte 7, differs",/);
});

test('the CSV says whether each card’s old data was erased, or why it may remain', () => {
  const csv = historyCsv([sampleEntry({ oldData: { discarded: true } }), sampleEntry({ card: 2, oldData: { discarded: false, reason: 'unsupported' } })]);
  const rows = csv.split('\r\n');
  assert.ok(rows[0]!.endsWith(',old_data'));
  assert.deepEqual([rows[1]!.split(',').at(-1), rows[2]!.split(',').at(-1)], ['erased', 'kept: unsupported']);
});

test('lists name an image by its file name, a catalog reference as it is', () => {
  assert.equal(imageLabel('/srv/images/Fedora-IoT-raw-42.aarch64.raw.xz'), 'Fedora-IoT-raw-42.aarch64.raw.xz');
  assert.equal(imageLabel('https://mirror.example/iot/42/Fedora-IoT.raw.xz?sig=abc'), 'Fedora-IoT.raw.xz');
  assert.equal(imageLabel('fedora-iot:42@rpi4'), 'fedora-iot:42@rpi4');
  assert.equal(imageLabel('C:\\images\\card.img'), 'card.img');
});
