/**
 * `fiot-flash` with a person's own mirror on loopback (FIOT_IOT_IMAGES_URL) that has release 43
 * only, while Fedora's release index and the registries cannot be reached, as in the tester's
 * walk: a dry run resolves the catalog reference as the real run does, a release the mirror lacks
 * reads "Your mirror … has no …" (not "check the internet"), and `catalog --offline` says one date
 * per part of what it shows. Run as a process, as a user runs it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatSize } from '../../shared/format-size';
import { closedPort } from '../helpers/connect-proxy';
import { resultLine } from '../helpers/cli-json';
import { sendFile } from '../helpers/image-server';
import { startRouteServer, type RouteServer } from '../helpers/route-server';
import { runCli } from '../helpers/run-cli';
import { commandsSkipReason } from '../helpers/system';

const skip = commandsSkipReason('xz') ?? false;
const folder = '/iot/43/IoT/aarch64/images/';
const imageName = 'Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz';
const checksumName = 'Fedora-IoT-43-aarch64-20251024.0-CHECKSUM';
/** Bytes of the mirror's image once decompressed: what `catalog` shows as ON CARD. */
const imageSize = 3_000_000;

describe('fiot-flash with a mirror of its own that has release 43 only', { skip }, () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'fiot-cli-own-mirror-'));
  let mirror: RouteServer;
  let env: Record<string, string>;
  let packed: Buffer;

  before(async () => {
    packed = execFileSync('xz', ['-0', '-T1', '--block-size=1MiB', '-c'], { input: Buffer.alloc(imageSize) });
    mirror = await startRouteServer((req, res, url) => {
      if (url.pathname === folder) return void res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<a href="${checksumName}">${checksumName}</a>`);
      if (url.pathname === folder + checksumName) return void res.writeHead(200).end(`SHA256 (${imageName}) = ${'a'.repeat(64)}\n`);
      if (url.pathname === folder + imageName) return sendFile(req, res, packed);
      res.writeHead(404).end('not found');
    });
    const nobody = `http://127.0.0.1:${await closedPort()}`;
    env = {
      FIOT_CONFIG_DIR: path.join(work, 'config'),
      FIOT_CACHE_DIR: path.join(work, 'cache'),
      FIOT_RELEASES_URL: `${nobody}/releases.json`,
      FIOT_IOT_IMAGES_URL: `${mirror.base}/iot/`,
      FIOT_REGISTRY_REPOS: `${nobody.replace('http://', '')}/fedora/fedora-iot`,
      FIOT_INSECURE_REGISTRIES: nobody.replace('http://', ''),
    };
  });

  after(async () => {
    await mirror?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const card = () => path.join(work, 'card.img');

  it('flash --dry-run of a catalog reference says which image it is, and fails as the real run would for a mistyped board, a release nobody has, or another board', async () => {
    const good = await runCli(['flash', 'fedora-iot:43@rpi4', '--drive', card(), '--dry-run'], env);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, new RegExp(`^Image: fedora-iot:43@rpi4 is ${imageName.replace(/\./g, '\\.')}, from ${mirror.host.replace(/\./g, '\\.')}\\.\n`));
    assert.match(good.stdout, /Dry run: nothing was written/);

    const typo = await runCli(['flash', 'fedora-iot:43@pi4', '--drive', card(), '--dry-run'], env);
    assert.equal(typo.code, 1, typo.stdout);
    assert.match(typo.stderr, /There is no board “pi4”: did you mean rpi4 \(fedora-iot:43@rpi4\)\?/);
    assert.doesNotMatch(typo.stdout, /Dry run: nothing was written/);

    for (const args of [['flash', 'fedora-iot:43', '--drive', card(), '--dry-run'], ['download', 'fedora-iot:43']]) {
      const noBoard = await runCli(args, env);
      assert.equal(noBoard.code, 1, args.join(' '));
      assert.match(noBoard.stderr, /“fedora-iot:43” names no board: a catalog reference ends with the board the image is for, such as fedora-iot:43@rpi4\./, args.join(' '));
    }

    const missing = await runCli(['flash', 'fedora-iot:99@rpi4', '--drive', card(), '--dry-run', '--json'], env);
    assert.equal(missing.code, 1);
    const result = resultLine(missing.stdout);
    assert.equal(result.error?.code, 'NOT_FOUND');
    assert.match(result.error?.message ?? '', /fedora-iot 99 has no raw image for aarch64/);

    const otherBoard = await runCli(['flash', 'fedora-iot:43@rpi3', '--board', 'uefi-x86_64', '--drive', card(), '--dry-run'], env);
    assert.equal(otherBoard.code, 1);
    assert.match(otherBoard.stderr, /This image is for 64-bit Arm boards \(aarch64\); the PC, laptop or NUC \(x86_64, UEFI\) you chose needs an x86_64 image/);
    const anyway = await runCli(['flash', 'fedora-iot:43@rpi3', '--board', 'uefi-x86_64', '--ignore-board', '--drive', card(), '--dry-run'], env);
    assert.equal(anyway.code, 0, anyway.stderr);
    assert.match(anyway.stderr, /Writing it anyway \(--ignore-board\)/);
  });

  it('a release the mirror lacks: the dry run warns where it would come from, and the real run says the mirror has no such image, not "check the internet"', async () => {
    const dry = await runCli(['flash', 'fedora-iot:44@rpi4', '--drive', card(), '--dry-run'], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stderr, new RegExp(`Warning: Your mirror at ${mirror.base.replace(/\./g, '\\.')}/iot/ has no Fedora IoT 44 for aarch64: it would be downloaded from download\\.fedoraproject\\.org\\.`));

    const before = mirror.requests.length;
    const real = await runCli(['flash', 'fedora-iot:44@rpi4', '--drive', card(), '--yes'], env);
    assert.equal(real.code, 1, real.stdout);
    assert.match(real.stderr, new RegExp(`Error: Your mirror at ${mirror.base.replace(/\./g, '\\.')}/iot/ has no Fedora IoT 44 for aarch64 \\(nothing in its 44/IoT/aarch64/images/ folder\\), and download\\.fedoraproject\\.org, where it would come from instead, did not answer: nothing was downloaded\\.`));
    assert.match(real.stderr, /Copy Fedora IoT 44 for aarch64 onto your mirror, in the same folders as Fedora's, or choose a release it has \(43\)\./);
    assert.doesNotMatch(real.stderr, /connected to the internet/);
    assert.ok(mirror.requests.slice(before).every((r) => !r.path.includes(imageName)), 'no image was asked of the mirror');
    const history = await runCli(['history'], env);
    assert.match(history.stdout, /fedora-iot:44@rpi4\s+FAILED \(NOT_ON_MIRROR\)/);
  });

  it('catalog --offline says once how old each part is; the mirror\'s image shows its download size and its size on the card', async () => {
    const live = await runCli(['catalog', '--board', 'rpi4', '--json'], env);
    assert.equal(live.code, 0, live.stderr);
    const offline = await runCli(['catalog', '--board', 'rpi4', '--offline'], env);
    assert.equal(offline.code, 0, offline.stderr);
    assert.match(offline.stdout, /^Fedora IoT catalog \(cached, last refreshed \d{4}-\d\d-\d\d \d\d:\d\d UTC; releases, registry:[^ ]+ did not answer then: shown from the snapshot of \d{4}-\d\d-\d\d\)\n/);
    assert.equal(offline.stderr, 'notice: offline: the sources were not asked (run without --offline to refresh)\n');
    assert.match(offline.stdout, new RegExp(`\nNot on your mirror \\(${mirror.base.replace(/\./g, '\\.')}/iot/\\), so downloaded from download\\.fedoraproject\\.org: fedora-iot:44@rpi4, fedora-iot:42@rpi4, fedora-iot:41@rpi4\\.\n`));
    // SIZE from the mirror's own answer (its CHECKSUM file gives none), ON CARD from the image's xz index.
    assert.match(offline.stdout, new RegExp(`fedora-iot:43@rpi4\\s+disk image\\s+43\\s+aarch64\\s+2025-10-24\\s+${formatSize(packed.length)}\\s+3 MB\\s+ready-made image`));
  });
});
