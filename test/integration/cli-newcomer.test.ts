/**
 * What a first-time user of `fiot-flash` types before reading any help: `--version`, a flag
 * half-remembered from another tool, and `cache ls` next to the docs' sizes. Run as a process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { resultLine } from '../helpers/cli-json';
import { runCli } from '../helpers/run-cli';
import { startRouteServer } from '../helpers/route-server';

const root = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(os.tmpdir(), 'fiot-cli-newcomer-'));
const env = { FIOT_CONFIG_DIR: path.join(work, 'config'), FIOT_CACHE_DIR: path.join(work, 'cache'), FIOT_CACHE_LIMIT_GB: '' };
after(() => rmSync(work, { recursive: true, force: true }));

describe('fiot-flash for someone who has not read the help', () => {
  it('--version prints the version of the package, exit 0', async () => {
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    const run = await runCli(['--version'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `fiot-flash ${version}\n`);
    const json = await runCli(['--version', '--json'], env);
    assert.equal(resultLine(json.stdout).version, version);
  });

  it('a flag that is not quite right is a usage error that names the flag it meant', async () => {
    const run = await runCli(['flash', 'image.raw.xz', '--drive', '/dev/null', '--wifi-ssid', 'home', '--wifi-psk', 'secret'], env);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Unknown option '--wifi-psk'/);
    assert.match(run.stderr, /Did you mean --wifi-psk-file\?/);
    const typo = await runCli(['ignition', '--hostnmae', 'pi'], env);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /Did you mean --hostname\?/);
  });

  it('a flag nothing resembles gets no guess, only where to look', async () => {
    const run = await runCli(['catalog', '--frobnicate'], env);
    assert.equal(run.code, 2);
    assert.doesNotMatch(run.stderr, /Did you mean/);
    assert.match(run.stderr, /--help/);
  });

  it('a catalog reference with a mistyped board names the board it meant and lists the others', async () => {
    const run = await runCli(['download', 'fedora-iot:43@pi4'], env);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /There is no board “pi4”: did you mean rpi4 \(fedora-iot:43@rpi4\)\?/);
    assert.match(run.stderr, /The boards are [^\n]*rpi3[^\n]*uefi-x86_64/);
  });

  it('a gateway typed with a prefix length, as the address is, is refused with the address to give instead', async () => {
    const run = await runCli(['ignition', '--static-ip', '10.0.0.5/24', '--gateway', '10.0.0.1/24', '--user', 'tech'], env);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--gateway: takes the router's address alone, without a prefix length: 10\.0\.0\.1/);
  });

  it('a mistyped command names the command it meant', async () => {
    const run = await runCli(['falsh', 'image.raw.xz'], env);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Unknown command “falsh”[\s\S]*Did you mean fiot-flash flash\?/);
  });

  it('offline, a download says "no network" and names the server; it never suggests skipping a check, ticked or not', async () => {
    const closed = await startRouteServer(() => undefined);
    const url = `${closed.base}/pub/alt/iot/43/IoT/aarch64/images/Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz`;
    await closed.close();
    for (const extra of [[], ['--insecure-skip-signature']]) {
      const run = await runCli(['download', url, ...extra], env);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, new RegExp(`^Error: ${closed.host.replace(/\./g, '\\.')} did not answer \\(ECONNREFUSED\\), so nothing was downloaded\\.\n  Check that this computer is connected to the internet`));
      assert.doesNotMatch(run.stderr, /insecure|sha256|signature/i, extra.join(' '));
      const json = await runCli(['download', url, '--json', ...extra], env);
      assert.equal(resultLine(json.stdout).error?.code, 'OFFLINE');
    }
  });

  it('cache ls states its limit in the unit the docs use for it', async () => {
    const run = await runCli(['cache', 'ls'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /is empty \(limit 20 GB\)\./);
    // The docs give the default as 20 in GB of 10⁹ bytes: the two must read the same.
    assert.match(readFileSync(path.join(root, 'docs', 'cli.md'), 'utf8'), /FIOT_CACHE_LIMIT_GB` .*in GB of 10⁹ bytes.*\(default 20;/);
    const small = await runCli(['cache', 'ls', '--json'], { ...env, FIOT_CACHE_LIMIT_GB: '2.5' });
    assert.equal(resultLine(small.stdout).limitBytes, 2_500_000_000);
  });
});
