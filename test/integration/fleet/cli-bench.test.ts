/**
 * `fiot-flash bench` as a field tech runs it: in a terminal (a pty from `script`), it asks once that
 * every card inserted will be erased; twelve stand-in cards (loop devices in FIOT_TEST_CARD_DIR)
 * are inserted one per second; each gets a line per phase and its own table row (read back from
 * the card); Ctrl-C while the last card is being written ends the session once that card is
 * verified. The session is then one batch in `fiot-flash history --batch last --json`. A card the
 * session wrote, pulled out and put back, gets its "already written" line and is not written again.
 * Cards already in readers when `bench --yes` starts are listed and not written (the tester's
 * five were all erased); `--include-present` lists them as to be written, and writes them.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HistoryEntry } from '../../../shared/domain/history';
import { fromDataUrl } from '../../../shared/provisioning';
import type { Fixture } from '../../fixtures/fixture';
import { debugfs } from '../../helpers/boot-partition';
import { attachLoop, insertTestCard, type LoopDevice } from '../../helpers/loop';
import { provisionFixture } from '../../helpers/provision-fixture';
import { runCli } from '../../helpers/run-cli';
import { watchOutput } from '../../helpers/cli-session';
import { ED25519_KEY } from '../../helpers/ssh-keys';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const root = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(root, 'bin/fiot-flash.mjs');
const CARDS = 12;
const skip = loopSkipReason() ?? commandsSkipReason('script', 'debugfs', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy') ?? false;

describe('fiot-flash bench in a terminal', { skip }, () => {
  let dir: string;
  let fixture: Fixture;
  const cards: LoopDevice[] = [];
  // A test that fails mid-way leaves its bench running: stopped here, or the file never ends.
  const children: ChildProcess[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-cli-bench-'));
    fixture = await provisionFixture({ layout: 'mbr' });
  });
  after(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const card of cards) card.detach();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks once, writes twelve cards inserted one per second, and Ctrl-C ends after the card being written', { timeout: 600_000 }, async () => {
    const cardDir = path.join(dir, 'cards');
    mkdirSync(cardDir);
    const tableFile = path.join(dir, 'site.csv');
    const rows = Array.from({ length: CARDS }, (_, i) => `kiosk-${String(i + 1).padStart(2, '0')}`);
    writeFileSync(tableFile, ['hostname,label', ...rows.map((name, i) => `${name},Shelf ${i + 1}`)].join('\n') + '\n');
    const env = { ...process.env, FIOT_CONFIG_DIR: path.join(dir, 'config'), FIOT_CACHE_DIR: path.join(dir, 'cache'), FIOT_TEST_CARD_DIR: cardDir };
    const keyFile = path.join(dir, 'key.pub');
    writeFileSync(keyFile, ED25519_KEY + '\n');
    const command = `${process.execPath} ${bin} bench ${fixture.path} --user core --ssh-key @${keyFile} --table ${tableFile}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    const { output, exited, seen, linesOf } = watchOutput(child);

    await seen(() => output.text.includes('Type yes to continue: '), 'the question');
    assert.match(output.text, /The next card is named kiosk-01, from row 1 \(line 2\) of the table\./);
    assert.match(output.text, /Every removable card inserted while the card bench is on will be erased and written with [^ ]+, with no further question\./);
    child.stdin!.write('yes\n');
    await seen(() => /Card bench on \(batch \S+\): insert cards; Ctrl-C switches it off\./.test(output.text), 'the session to start');

    const first = Date.now();
    for (let i = 0; i < CARDS; i++) {
      cards.push(insertTestCard(cardDir, `card-${String(i + 1).padStart(2, '0')}`, fixture.size));
      if (i < CARDS - 1) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const last = cards[CARDS - 1]!;
    await seen(() => linesOf(last.device).some((line) => / (starting|writing|verifying|first boot) /.test(line)), 'the last card to be written');
    child.stdin!.write('\x03');
    const code = await exited;
    console.log(`bench: ${CARDS} cards, first insertion to the session's end ${((Date.now() - first) / 1000).toFixed(1)} s`);
    assert.equal(code, 0, output.text.slice(-3000));
    assert.match(output.text, /Switching the card bench off: no new card is taken; the cards being written are finished\./);
    assert.match(output.text, /Card bench off: 12 cards written and verified; device table: 12 of 12 rows done\./);
    assert.doesNotMatch(output.text, /FAILED/);

    const boot = fixture.partitions.find((p) => p.label === 'boot')!;
    const names = cards.map((card) => {
      const verified = linesOf(card.device).find((line) => / verified +100%/.test(line));
      assert.ok(verified, `${card.device} has its verified line`);
      const config = JSON.parse(debugfs(card.device, boot, 'cat /ignition/config.ign')) as { storage?: { files?: Array<{ path: string; contents: { source: string } }> } };
      const name = fromDataUrl(config.storage!.files!.find((f) => f.path === '/etc/hostname')!.contents.source)!.trim();
      assert.ok(verified.includes(name), `${card.device}'s line names the hostname on the card (${name})`);
      return name;
    });
    assert.deepEqual(names, rows, 'the rows went to the cards in insertion order');

    const history = await runCli(['history', '--batch', 'last', '--json'], env as Record<string, string>);
    const batch = JSON.parse(history.stdout.trim().split('\n').at(-1)!) as { jobId: string; cards: HistoryEntry[] };
    assert.deepEqual(batch.cards.map((c) => [c.card, c.hostname, c.device.serial]), cards.map((card, i) => [i + 1, rows[i], card.backingFile]), 'the session is one batch, in insertion order');
    assert.ok(batch.cards.every((c) => c.batchId === batch.jobId));
  });

  it('a card it wrote, put back, gets its "already written" line and is not written again', { timeout: 300_000 }, async () => {
    const cardDir = path.join(dir, 'reinsert-cards');
    mkdirSync(cardDir);
    const tableFile = path.join(dir, 'pumps.csv');
    writeFileSync(tableFile, 'hostname\nsite-pump-01\nsite-pump-02\n');
    const env = { ...process.env, FIOT_CONFIG_DIR: path.join(dir, 'reinsert-config'), FIOT_CACHE_DIR: path.join(dir, 'cache'), FIOT_TEST_CARD_DIR: cardDir };
    const child = spawn(process.execPath, [bin, 'bench', fixture.path, '--user', 'core', '--table', tableFile, '--yes'], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    const { output, exited, seen, linesOf } = watchOutput(child);
    await seen(() => /Card bench on \(batch \S+\): insert cards; Ctrl-C switches it off\./.test(output.text), 'the session to start');
    const card = insertTestCard(cardDir, 'pump', fixture.size);
    cards.push(card);
    await seen(() => linesOf(card.device).some((line) => / verified +100%/.test(line)), 'the card verified');
    card.detach();
    // The session's next look (once a second) sees the reader empty before the card goes back in.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const again = attachLoop(card.backingFile);
    cards.push(again);
    await seen(() => linesOf(again.device).some((line) => line.includes('already written')), 'the card put back');
    const line = linesOf(again.device).find((l) => l.includes('already written'))!;
    assert.match(line, /Already written by the card bench as site-pump-01: take it out, or switch the bench off and on again to rewrite it\./);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal(again.sectorsWritten(), 0, 'the card put back is not written');
    child.kill('SIGINT');
    assert.equal(await exited, 0, output.text.slice(-3000));
    assert.match(output.text, /Card bench off: 1 card written and verified; device table: 1 of 2 rows done\./);
  });

  it('--yes leaves the cards already in readers alone, listing them; a card inserted after the start is written', { timeout: 300_000 }, async () => {
    const cardDir = path.join(dir, 'present-cards');
    mkdirSync(cardDir);
    const env = { ...process.env, FIOT_CONFIG_DIR: path.join(dir, 'present-config'), FIOT_CACHE_DIR: path.join(dir, 'cache'), FIOT_TEST_CARD_DIR: cardDir };
    const present = [insertTestCard(cardDir, 'in-reader-1', fixture.size), insertTestCard(cardDir, 'in-reader-2', fixture.size)];
    cards.push(...present);
    const child = spawn(process.execPath, [bin, 'bench', fixture.path, '--user', 'core', '--hostname', 'bench-{n}', '--yes'], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    const { output, exited, seen, linesOf } = watchOutput(child);
    await seen(() => /Card bench on \(batch \S+\): insert cards/.test(output.text), 'the session to start');
    const listed = output.text.slice(0, output.text.search(/Card bench on \(batch \S+\): insert cards/));
    assert.match(listed, /2 cards are already in readers: they will not be written\. Take them out and put them back in to write them, or run with --include-present:/);
    for (const card of present) assert.match(listed, new RegExp(`^  ${card.device} \\(Test card ${path.basename(card.backingFile).replace('.', '\\.')} `, 'm'));
    const fresh = insertTestCard(cardDir, 'inserted', fixture.size);
    cards.push(fresh);
    await seen(() => linesOf(fresh.device).some((line) => / verified +100%/.test(line)), 'the card inserted after the start verified');
    for (const card of present) {
      assert.ok(linesOf(card.device).some((line) => line.includes('not written: In this reader before the card bench was switched on: not written.')), output.text.slice(-3000));
      assert.equal(card.sectorsWritten(), 0, `${card.device}, in its reader before the start, is not written`);
    }
    child.kill('SIGINT');
    assert.equal(await exited, 0, output.text.slice(-3000));
    assert.match(output.text, /Card bench off: 1 card written and verified\./);
  });

  it('--include-present lists the cards already in readers as to be erased, and writes them', { timeout: 300_000 }, async () => {
    const cardDir = path.join(dir, 'include-cards');
    mkdirSync(cardDir);
    const env = { ...process.env, FIOT_CONFIG_DIR: path.join(dir, 'include-config'), FIOT_CACHE_DIR: path.join(dir, 'cache'), FIOT_TEST_CARD_DIR: cardDir };
    const present = insertTestCard(cardDir, 'in-reader', fixture.size);
    cards.push(present);
    const command = `${process.execPath} ${bin} bench ${fixture.path} --user core --hostname included-{n} --include-present`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    const { output, exited, seen, linesOf } = watchOutput(child);
    await seen(() => output.text.includes('Type yes to continue: '), 'the question');
    assert.match(output.text, new RegExp(`1 card is already in readers and will be erased and written too \\(--include-present\\):\\r?\\n  ${present.device} `));
    assert.match(output.text, /Every removable card inserted while the card bench is on, and the card listed above, will be erased/);
    assert.equal(present.sectorsWritten(), 0, 'nothing before the answer');
    child.stdin!.write('yes\n');
    await seen(() => linesOf(present.device).some((line) => / verified +100%/.test(line)), 'the card already in to be written');
    child.stdin!.write('\x03');
    assert.equal(await exited, 0, output.text.slice(-3000));
    assert.match(output.text, /Card bench off: 1 card written and verified\./);
  });

  it('without a terminal and without --yes, starts nothing', async () => {
    const result = await runCli(['bench', fixture.path, '--json'], { FIOT_CONFIG_DIR: path.join(dir, 'config-2'), FIOT_TEST_CARD_DIR: path.join(dir, 'none') });
    assert.equal(result.code, 1);
    const last = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { ok: boolean; error: { code: string; message: string } };
    assert.deepEqual([last.ok, last.error.code], [false, 'NOT_CONFIRMED']);
    assert.match(last.error.message, /erases every card inserted/);
  });
});
