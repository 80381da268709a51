/**
 * A device says it came up, with real parts end to end: a real station process writes two cards
 * (loop devices) with check-in on 127.0.0.1; each card's Ignition config is read off its boot
 * partition with debugfs and applied by the real Ignition binary into a scratch root; the unit's
 * ExecStart then runs chrooted in that root (its bash script, this machine's curl) against the
 * station's check-in listener. The report lands once; the same token again (a replay) and a
 * made-up token (a forgery) are refused; the unit and the token are gone from the root
 * afterwards; systemd-analyze accepts the unit; `fiot-flash history` shows who came up.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WebSocket } from 'ws';
import type { CardCheckin } from '../../../shared/domain/checkin';
import type { HistoryEntry } from '../../../shared/domain/history';
import { CHECKIN_AUTH_FILE, CHECKIN_CA_FILE, CHECKIN_DIR, CHECKIN_UNIT } from '../../../shared/provisioning';
import type { Fixture } from '../../fixtures/fixture';
import { debugfs } from '../../helpers/boot-partition';
import { attachNewCard, type LoopDevice } from '../../helpers/loop';
import { provisionFixture } from '../../helpers/provision-fixture';
import { applyWithIgnition, realIgnitionSkipReason, type AppliedRoot } from '../../helpers/real-ignition';
import { runCli } from '../../helpers/run-cli';
import { runInRoot } from '../../helpers/scratch-root-run';
import { ED25519_KEY } from '../../helpers/ssh-keys';
import { callApi, openApi } from '../../helpers/station-client';
import { spawnStation, type StationProcess } from '../../helpers/station-process';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const skip = loopSkipReason() ?? realIgnitionSkipReason() ??
  commandsSkipReason('sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'debugfs', 'curl', 'ip', 'unshare', 'chroot', 'systemd-analyze');

const FEDORA_OS_RELEASE = 'NAME="Fedora Linux"\nVERSION="42.20250415.0 (IoT Edition)"\nID=fedora\nVERSION_ID=42\nVARIANT_ID=iot\n';

/** The events the station pushes, kept from the moment the socket opened. */
function collectEvents(ws: WebSocket): Array<{ event: string; payload: unknown; at: number }> {
  const seen: Array<{ event: string; payload: unknown; at: number }> = [];
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { event?: string; payload?: unknown };
    if (message.event) seen.push({ event: message.event, payload: message.payload, at: Date.now() });
  });
  return seen;
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A report sent by hand, trusting only the station's certificate (as the card's curl does). */
function postReport(url: string, ca: string, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { method: 'POST', ca, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-www-form-urlencoded' } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

function execStart(root: string): string[] {
  const unit = readFileSync(path.join(root, 'etc/systemd/system', CHECKIN_UNIT), 'utf8');
  const line = /^ExecStart=(.+)$/m.exec(unit)?.[1];
  assert.ok(line, `the unit has an ExecStart line:\n${unit}`);
  return line.split(' ');
}

function scriptValue(root: string, name: string): string {
  const script = readFileSync(path.join(root, CHECKIN_DIR, 'report.sh'), 'utf8');
  return new RegExp(`^${name}='([^']*)'$`, 'm').exec(script)![1]!;
}

describe('check-in: a written card reports once that its device came up', { skip: skip ?? false }, () => {
  let fixture: Fixture;
  let station: StationProcess;
  let ws: WebSocket;
  let cardDir: string;
  let imagesDir: string;
  const cards: LoopDevice[] = [];
  const roots: AppliedRoot[] = [];

  before(async () => {
    cardDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-checkin-cards-'));
    imagesDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-checkin-images-'));
    fixture = await provisionFixture({ layout: 'mbr' });
    execFileSync('cp', ['--reflink=auto', fixture.path, path.join(imagesDir, 'iot.raw')]);
    station = await spawnStation({ args: ['--images', imagesDir], env: { FIOT_TEST_CARD_DIR: cardDir } });
    for (const name of ['card-1', 'card-2']) cards.push(attachNewCard(path.join(cardDir, `${name}.img`), fixture.size));
    ws = await openApi(station.port, station.token);
  });

  after(async () => {
    ws?.close();
    for (const root of roots) root.dispose();
    for (const card of cards) card.detach();
    await station?.stop();
    rmSync(cardDir, { recursive: true, force: true });
    rmSync(imagesDir, { recursive: true, force: true });
  });

  it('writes two cards, and each device that comes up is shown as came up, once', { timeout: 300_000 }, async () => {
    const events = collectEvents(ws);
    const listed = await callApi(ws, 1, 'drives:list', {});
    assert.ok(listed.ok, JSON.stringify(listed.error));
    const provisioning = { hostname: 'greenhouse-{n}', users: [{ name: 'maya', sshAuthorizedKeys: [ED25519_KEY] }] };
    const started = await callApi(ws, 2, 'flash:start', {
      source: path.join(imagesDir, 'iot.raw'), targets: cards.map((c) => c.device), provisioning, checkin: { address: '127.0.0.1' },
    });
    assert.ok(started.ok, JSON.stringify(started.error));
    const { jobId } = started.value as { jobId: string };
    const done = await until('flash:done', () => events.find((e) => e.event === 'flash:done' && (e.payload as { jobId: string }).jobId === jobId));
    assert.equal((done.payload as { ok: boolean }).ok, true, JSON.stringify(done.payload));

    const boot = fixture.partitions.find((p) => p.label === 'boot')!;
    for (const card of cards) roots.push(applyWithIgnition(debugfs(card.device, boot, 'cat /ignition/config.ign')));
    const [first, second] = roots as [AppliedRoot, AppliedRoot];
    for (const root of roots) writeFileSync(path.join(root.root, 'etc/os-release'), FEDORA_OS_RELEASE);

    // What Ignition wrote: the token private to root, the unit accepted by systemd's own checker.
    const unitFile = path.join(first.root, 'etc/systemd/system', CHECKIN_UNIT);
    const verify = spawnSync('systemd-analyze', ['verify', unitFile], { encoding: 'utf8' });
    assert.equal(verify.status, 0, `systemd-analyze verify: ${verify.stdout}${verify.stderr}`);
    assert.match(readFileSync(path.join(first.root, 'etc/systemd/system-preset/20-ignition.preset'), 'utf8'), new RegExp(`enable ${CHECKIN_UNIT.replace('.', '\\.')}`));
    const authFile = path.join(first.root, CHECKIN_AUTH_FILE);
    const token = /^Authorization: Bearer (\S+)$/m.exec(readFileSync(authFile, 'utf8'))![1]!;
    assert.equal(execFileSync('stat', ['-c', '%a', authFile], { encoding: 'utf8' }).trim(), '600');
    const secondToken = /Bearer (\S+)/.exec(readFileSync(path.join(second.root, CHECKIN_AUTH_FILE), 'utf8'))![1]!;
    assert.notEqual(token, secondToken, 'each card has its own token');
    assert.ok(!readFileSync(path.join(station.configDir, 'checkins.jsonl'), 'utf8').includes(token), 'the app keeps no token');
    const url = scriptValue(first.root, 'url');
    const ca = readFileSync(path.join(first.root, CHECKIN_CA_FILE), 'utf8');
    const caFile = path.join(imagesDir, 'station.pem');
    writeFileSync(caFile, ca);
    const awaited = await callApi(ws, 3, 'checkin:list', {});
    assert.deepEqual((awaited.value as { cards: CardCheckin[] }).cards.map((c) => c.state), ['awaiting', 'awaiting']);

    // The device boots: the unit's command, run inside its root.
    const sentAt = Date.now();
    const ran = await runInRoot(first.root, execStart(first.root));
    assert.equal(ran.status, 0, `the check-in script: ${ran.stdout}${ran.stderr}`);
    const cameUp = await until('checkin:changed with card 1 came up', () => events.find((e) => e.event === 'checkin:changed' && (e.payload as { cards: CardCheckin[] }).cards.some((c) => c.card === 1 && c.state === 'came-up')));
    console.log(`check-in: report sent to "came up" pushed in ${cameUp.at - sentAt} ms (script run included)`);
    const card1 = (cameUp.payload as { cards: CardCheckin[] }).cards.find((c) => c.card === 1)!;
    assert.equal(card1.report!.hostname, 'greenhouse-1');
    assert.equal(card1.report!.version, '42.20250415.0 (IoT Edition)');
    assert.equal(card1.report!.from, '127.0.0.1');
    assert.ok(card1.report!.macs.every((mac) => /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac)), `MACs as the kernel lists them: ${card1.report!.macs.join(' ')}`);
    assert.equal(card1.user, 'maya');
    assert.ok(!existsSync(path.join(first.root, 'etc/systemd/system', CHECKIN_UNIT)), 'the unit removed itself');
    assert.ok(!existsSync(path.join(first.root, CHECKIN_DIR)), 'the token and script are gone');

    // The same report again, and one with a made-up token: both refused, the card unchanged.
    const body = new URLSearchParams({ job: jobId, card: '1', hostname: 'greenhouse-1' }).toString();
    assert.equal(await postReport(url, ca, token, body), 409, 'a replayed report is refused');
    assert.equal(await postReport(url, ca, 'A'.repeat(43), new URLSearchParams({ job: jobId, card: '2', hostname: 'intruder' }).toString()), 403, 'a forged report is refused');
    assert.equal(await postReport(url, ca, secondToken, new URLSearchParams({ job: jobId, card: '1', hostname: 'greenhouse-1' }).toString()), 403, 'a card’s token speaks for that card only');
    assert.equal(await postReport(url, ca, token, `hostname=${'x'.repeat(5000)}`), 413, 'an oversized report is refused');
    // The device's script does not reach a station that is not this one: a pinned key that differs is refused by curl.
    const wrongPin = spawnSync('curl', ['--silent', '--cacert', caFile, '--pinnedpubkey', 'sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', '-d', 'x=1', url]);
    assert.equal(wrongPin.status, 90, 'curl refuses a public key other than the pinned one (exit 90)');

    const secondRun = await runInRoot(second.root, execStart(second.root));
    assert.equal(secondRun.status, 0, `card 2's check-in script: ${secondRun.stdout}${secondRun.stderr}`);
    await until('card 2 came up', () => events.find((e) => e.event === 'checkin:changed' && (e.payload as { cards: CardCheckin[] }).cards.some((c) => c.card === 2 && c.state === 'came-up')));

    const history = await callApi(ws, 4, 'history:list', {});
    const entries = (history.value as { entries: HistoryEntry[] }).entries;
    assert.deepEqual(entries.map((e) => [e.card, e.checkin?.state, e.checkin?.report?.hostname]).sort(), [[1, 'came-up', 'greenhouse-1'], [2, 'came-up', 'greenhouse-2']]);

    // Every card reported: the listener is closed.
    const closed = spawnSync('curl', ['--silent', '--cacert', caFile, '-d', 'x=1', url]);
    assert.equal(closed.status, 7, 'nothing listens for check-ins once every card reported (curl: could not connect)');

    const cli = await runCli(['history'], { FIOT_CONFIG_DIR: station.configDir });
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /greenhouse-1 .*came up \d\d:\d\d on \S+/);
    assert.match(cli.stdout, /greenhouse-2 .*came up \d\d:\d\d on \S+/);
    // The batch record for the paperwork says it too.
    const sheet = await runCli(['history', '--batch', 'last', '--html'], { FIOT_CONFIG_DIR: station.configDir });
    assert.match(sheet.stdout, /<th>Came up<\/th>/);
    assert.equal(sheet.stdout.match(/<td>came up \d\d:\d\d on [^<]+<\/td>/g)?.length, 2);
    const csv = (await runCli(['history', '--batch', 'last', '--csv'], { FIOT_CONFIG_DIR: station.configDir })).stdout.trim().split('\r\n');
    // Columns are added at the end only (table_row, old_data), so a script's check-in columns stay where they were.
    assert.match(csv[0]!, /,checkin,came_up_at,came_up_address,table_row,old_data$/);
    assert.ok(csv.slice(1).every((row) => /,came-up,\d{4}-\d\d-\d\dT[^,]+,[0-9a-f.:]+,[^,]*,[^,]*$/.test(row)), csv.join('\n'));
  });
});
