/** What a card carries for its check-in, and the words the app shows for it. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { checkinLine, checkinSummary, type CardCheckin } from '../../../shared/domain/checkin';
import { CHECKIN_AUTH_FILE, CHECKIN_SCRIPT, CHECKIN_UNIT, fromDataUrl, generateIgnition, planForCard, profileSchema, type CheckinCard } from '../../../shared/provisioning';
import { overdue } from '../../../electron/core/checkin/checkin-log';

const card: CheckinCard = { origin: 'https://192.168.1.20:40123', caCert: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', pinnedPubkey: 'sha256//MdKs5jZWwadN9vAHyMMdD+1RNQWY90fW7GiPSAVqlLU=', token: 'abc_DEF-123abc_DEF-123abc', jobId: '42995c94-ae97-4b11-ba78-19377c0ca62a', card: 3 };

describe('the check-in a card carries', () => {
  it('adds the script (0700), the token (0600), the certificate and the enabled unit to the config', () => {
    const config = generateIgnition(profileSchema.parse({ hostname: 'greenhouse' }), 1, card);
    const files = Object.fromEntries(config.storage!.files!.map((f) => [f.path, f]));
    assert.equal(files[CHECKIN_SCRIPT]!.mode, 0o700);
    assert.equal(files[CHECKIN_AUTH_FILE]!.mode, 0o600);
    assert.equal(fromDataUrl(files[CHECKIN_AUTH_FILE]!.contents.source), `Authorization: Bearer ${card.token}\n`);
    const unit = config.systemd!.units.find((u) => u.name === CHECKIN_UNIT)!;
    assert.equal(unit.enabled, true);
    assert.match(unit.contents!, /^Wants=network-online\.target$/m);
    assert.match(unit.contents!, /^After=network-online\.target$/m);
    const script = fromDataUrl(files[CHECKIN_SCRIPT]!.contents.source)!;
    assert.ok(!script.includes(card.token), 'the token is never in the script (nor on curl’s command line)');
    assert.match(script, /^url='https:\/\/192\.168\.1\.20:40123\/checkin'$/m);
    const syntax = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    assert.equal(syntax.status, 0, `bash -n: ${syntax.stderr}`);
  });

  it('needs the config the app writes: URL mode is refused, an otherwise empty profile is fine', () => {
    const url = planForCard(profileSchema.parse({ ignitionUrl: 'https://example.com/c.ign' }), 1, card);
    assert.match(url.problems[0]!.message, /^checkin: needs the config this app writes/);
    const alone = planForCard(profileSchema.parse({}), 1, card);
    assert.equal(alone.plan?.mode, 'config');
  });

  it('refuses values that could end the script’s quotes', () => {
    assert.throws(() => generateIgnition(profileSchema.parse({}), 1, { ...card, jobId: "x';reboot;'" }), /characters a script cannot carry/);
  });
});

describe('check-in words', () => {
  const base: CardCheckin = { jobId: 'j', card: 1, device: '/dev/sdb', hostname: 'greenhouse', user: 'maya', state: 'awaiting', since: '2026-12-07T10:00:00.000Z', waitMinutes: 30 };
  const report = { time: new Date(2026, 11, 7, 10, 32).toISOString(), hostname: 'greenhouse', serial: '10000000abcdef', macs: [], ips: ['192.168.1.57', 'fd00::57'], version: '42', from: '192.168.1.57' };

  it('says who came up, when, where, and how to log in', () => {
    assert.equal(checkinLine({ ...base, state: 'came-up', report }), 'greenhouse came up at 10:32 on 192.168.1.57: ssh maya@192.168.1.57');
    assert.equal(checkinSummary({ ...base, state: 'came-up', report }), 'came up 10:32 on 192.168.1.57');
    // Reported through a router (NAT): the device's own address is the one to try.
    assert.equal(checkinLine({ ...base, state: 'came-up', report: { ...report, from: '10.0.0.1' } }), 'greenhouse came up at 10:32 on 192.168.1.57: ssh maya@192.168.1.57');
    assert.equal(checkinLine({ ...base, user: undefined, state: 'came-up', report }), 'greenhouse came up at 10:32 on 192.168.1.57');
  });

  it('a card not heard from yet: when it was written and until when the app listens, never an open-ended wait', () => {
    const written = Date.parse(base.since);
    const at = (ms: number) => new Date(ms).toTimeString().slice(0, 5);
    assert.equal(checkinSummary(base, written + 60_000), `written ${at(written)}; it has not called in yet`);
    assert.equal(checkinLine(base, written + 60_000), `greenhouse: written ${at(written)}; it has not called in yet (the app listens until ${at(written + 30 * 60_000)})`);
    assert.equal(checkinLine(base, written + 31 * 60_000), `greenhouse: written ${at(written)}; it has not called in yet (the app stopped listening at ${at(written + 30 * 60_000)})`);
  });

  it('says a card was not heard from once its wait ran out, even when the app was closed meanwhile', () => {
    assert.equal(overdue(base, Date.parse(base.since) + 29 * 60_000).state, 'awaiting');
    const late = overdue(base, Date.parse(base.since) + 30 * 60_000);
    assert.equal(checkinLine(late), 'greenhouse: not heard from after 30 minutes');
    assert.equal(checkinSummary(late), 'not heard from after 30 min');
  });
});
