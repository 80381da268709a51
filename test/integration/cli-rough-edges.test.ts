/**
 * What the tester typed at `fiot-flash` from habit or from other tools, run as a process: `help
 * flash`, `-v`, `--ip`, an SSH key's path without its `@`, `history --batch lst`, a batch looked
 * at on a terminal (through `script`, a real pty) and through a pipe, and `boards`' column of how
 * an image reaches each board.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resultLine } from '../helpers/cli-json';
import { runCli } from '../helpers/run-cli';
import { ED25519_KEY } from '../helpers/ssh-keys';
import { commandsSkipReason } from '../helpers/system';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin', 'fiot-flash.mjs');
const work = mkdtempSync(path.join(os.tmpdir(), 'fiot-cli-rough-edges-'));
const env = { FIOT_CONFIG_DIR: path.join(work, 'config'), FIOT_CACHE_DIR: path.join(work, 'cache') };
after(() => rmSync(work, { recursive: true, force: true }));

describe('fiot-flash as typed from habit', () => {
  it('help flash prints flash\'s own help, as flash --help does', async () => {
    const help = await runCli(['help', 'flash'], env);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: fiot-flash flash <source> --drive <target>/);
    assert.equal(help.stdout, (await runCli(['flash', '--help'], env)).stdout);
  });

  it('-v prints the version, as --version does', async () => {
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    const run = await runCli(['-v'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `fiot-flash ${version}\n`);
  });

  it('--ip is taken for the address it means (--static-ip), not the nearest spelling (--ip-prefix)', async () => {
    const run = await runCli(['flash', 'image.raw.xz', '--drive', path.join(work, 'x.img'), '--dry-run', '--ip', '10.0.0.5'], env);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Unknown option '--ip'[\s\S]*Did you mean --static-ip\?/);
  });

  it('--ssh-key with a key file\'s path and no @ reads the file; a private key\'s path is refused without its content', async () => {
    const pub = path.join(work, 'tech_key.pub');
    writeFileSync(pub, `${ED25519_KEY}\n`);
    const run = await runCli(['ignition', '--user', 'tech', '--ssh-key', pub, '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    const config = resultLine(run.stdout).config as { passwd: { users: Array<{ name: string; sshAuthorizedKeys: string[] }> } };
    assert.deepEqual(config.passwd.users.find((u) => u.name === 'tech')?.sshAuthorizedKeys, [ED25519_KEY]);
    // `@~/…` as the README writes it: the shell does not expand that ~, the command does.
    const home = path.join(work, 'home');
    mkdirSync(path.join(home, '.ssh'), { recursive: true });
    writeFileSync(path.join(home, '.ssh', 'id_ed25519.pub'), `${ED25519_KEY}\n`);
    const tilde = await runCli(['ignition', '--user', 'tech', '--ssh-key', '@~/.ssh/id_ed25519.pub', '--json'], { ...env, HOME: home });
    assert.equal(tilde.code, 0, tilde.stderr);
    assert.match(tilde.stdout, new RegExp(ED25519_KEY.split(' ')[1]!.replace(/[+/]/g, '\\$&')));
    const secret = path.join(work, 'tech_key');
    writeFileSync(secret, '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n');
    const refused = await runCli(['ignition', '--user', 'tech', '--ssh-key', secret], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /is a private key: never share it/);
    assert.doesNotMatch(refused.stderr, /b3BlbnNzaC1rZXktdjEAAAAA/);
    // A path that names no file is said to be one, not called a key of no known type.
    const missing = await runCli(['ignition', '--user', 'tech', '--ssh-key', path.join(work, 'nokey.pub')], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nokey\.pub: there is no such file/);
    assert.doesNotMatch(missing.stderr, /key type/);
  });

  it('boards says in words how an image reaches each board; --json keeps the ids scripts read', async () => {
    const run = await runCli(['boards'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^ID\s+BOARD\s+ARCH\s+SUPPORT\s+HOW\n/);
    assert.match(run.stdout, /\nrpi4 .*supported\s+ready-made image \| ready-made image, switches at first boot\n/);
    assert.match(run.stdout, /\nuefi-x86_64 .*ready-made image \| built here from the container\n/);
    assert.doesNotMatch(run.stdout.split('\n\n')[0]!, /published-raw|bootc-built-raw|bootc-switch/);
    const json = resultLine<{ ok: boolean; boards: Array<{ id: string; deliveries: string[] }> }>((await runCli(['boards', '--json'], env)).stdout);
    assert.deepEqual(json.boards.find((b) => b.id === 'rpi4')?.deliveries, ['published-raw', 'published-raw+bootc-switch']);
  });
});

describe('history --batch as a person and as a script read it', { skip: commandsSkipReason('sfdisk', 'script') ?? false }, () => {
  before(() => {
    // A small disk image written to an image file: one batch of one card in the history.
    const source = path.join(work, 'small.raw');
    writeFileSync(source, Buffer.alloc(4 * 1024 * 1024));
    execFileSync('sfdisk', ['--quiet', source], { input: 'label: dos\nstart=2048, type=83\n' });
    const run = spawnSync(process.execPath, [bin, 'flash', source, '--drive', path.join(work, 'card.img'), '--yes'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
  });

  it('a mistyped "last" is told it', async () => {
    const run = await runCli(['history', '--batch', 'lst'], env);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /The history has no batch with job id lst\.\n {2}Did you mean --batch last \(the newest batch\)\?/);
  });

  it('on a terminal the batch is a table; through a pipe it is the CSV it always was', async () => {
    const command = [process.execPath, bin, 'history', '--batch', 'last'].map((a) => `'${a}'`).join(' ');
    const terminal = spawnSync('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    assert.equal(terminal.status, 0, terminal.stdout);
    const shown = terminal.stdout.replace(/\r/g, '');
    assert.match(shown, /^Batch \d{4}-\d\d-\d\d \d\d:\d\d UTC: 1 card, image small\.raw\n#\s+DEVICE\s+SERIAL\s+HOSTNAME\s+IP\s+ROW\s+LABEL\s+RESULT\n1\s+\S+card\.img\s+.*verified\n/);
    assert.match(shown, /--csv/);
    assert.doesNotMatch(shown, /^card,device,/m);
    const piped = await runCli(['history', '--batch', 'last'], env);
    assert.equal(piped.code, 0, piped.stderr);
    assert.match(piped.stdout, /^card,device,model,serial,hostname,ip,row,label,result,/);
  });
});
