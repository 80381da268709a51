/**
 * What a user of `fiot-flash` sees about signatures: "Signature verified by <signer> (<fingerprint>)"
 * only when a trusted key signed the CHECKSUM file; an unsigned one stops the flash before
 * anything is written, with a hint naming the way out; with --insecure-skip-signature the card is
 * written, the output says loudly that the signature was not checked, and so do the --json result
 * and the flash history.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { HistoryEntry } from '../../../shared/domain/history';
import type { FlashResult } from '../../../shared/domain/flash';
import { makeFixture, type Fixture } from '../../fixtures/fixture';
import { resultLine } from '../../helpers/cli-json';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { makeTestKey } from '../../helpers/pgp';
import { runCli } from '../../helpers/run-cli';
import { commandsSkipReason } from '../../helpers/system';
import { FEDORA_CHECKSUM, FEDORA_IMAGE } from './setup';

const skip = commandsSkipReason('sfdisk', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'xz') ?? false;
const MiB = 1024 * 1024;
let server: ImageServer;
let fixture: Fixture;
let root: string;

before(async () => {
  if (skip) return;
  const key = await makeTestKey('Fedora (test)');
  fixture = await makeFixture({ xz: true, size: 128 * MiB, espMib: 32, bootMib: 32, rootFillMib: 8, seed: 44 });
  const xz = readFileSync(fixture.xzPath!);
  const listing = `SHA256 (${FEDORA_IMAGE}) = ${createHash('sha256').update(xz).digest('hex')}\n`;
  server = await startImageServer({
    [`/signed/${FEDORA_IMAGE}`]: xz,
    [`/signed/${FEDORA_CHECKSUM}`]: Buffer.from(await key.clearSign(listing)),
    [`/unsigned/${FEDORA_IMAGE}`]: xz,
    [`/unsigned/${FEDORA_CHECKSUM}`]: Buffer.from(listing),
  });
  root = mkdtempSync(path.join(os.tmpdir(), 'fiot-cli-signature-'));
  mkdirSync(path.join(root, 'config', 'keys'), { recursive: true });
  writeFileSync(path.join(root, 'config', 'keys', 'test.asc'), key.publicArmored);
});
after(async () => {
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Each test its own cache: the same bytes verified by a signature in one would be found by the other. */
const env = (cache: string) => ({ FIOT_CACHE_DIR: path.join(root, cache), FIOT_CONFIG_DIR: path.join(root, 'config') });

test('download names the signer and its fingerprint when a trusted key signed the CHECKSUM', { skip, timeout: 120_000 }, async () => {
  const run = await runCli(['download', server.url(`/signed/${FEDORA_IMAGE}`)], env('signed'));
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Signature verified by Fedora \(test\) <test@example\.invalid> \(([0-9A-F]{4} ){9}[0-9A-F]{4}\): sha256 [0-9a-f]{64}/);
});

test('flash of an image with an unsigned CHECKSUM stops before writing; with --insecure-skip-signature it writes and says so everywhere', { skip, timeout: 180_000 }, async () => {
  const card = path.join(root, 'card.img');
  const url = server.url(`/unsigned/${FEDORA_IMAGE}`);
  const refused = await runCli(['flash', url, '--drive', card, '--yes', '--json'], env('unsigned'));
  assert.equal(refused.code, 1);
  const error = resultLine(refused.stdout).error!;
  assert.equal(error.code, 'SIGNATURE_INVALID');
  assert.equal(existsSync(card), false, 'nothing was written');
  assert.equal(server.transfers(`/unsigned/${FEDORA_IMAGE}`).length, 0, 'nothing was downloaded');
  const human = await runCli(['flash', url, '--drive', card, '--yes'], env('unsigned'));
  assert.match(human.stderr + human.stdout, /--insecure-skip-signature/, 'the hint names the way out');

  const skipped = await runCli(['flash', url, '--drive', card, '--yes', '--insecure-skip-signature'], env('unsigned'));
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.match(skipped.stdout, /SIGNATURE NOT CHECKED \(skipped at your request\)/);
  assert.doesNotMatch(skipped.stdout, /Signature verified/);
  assert.match(skipped.stderr, /Note: The signature check was skipped at your request/);
  const history = readFileSync(path.join(root, 'config', 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as HistoryEntry);
  assert.equal(history.at(-1)?.result, 'verified');
  assert.equal(history.at(-1)?.source.signatureSkipped, true, 'the history records the skip');

  const json = await runCli(['flash', url, '--drive', card, '--yes', '--insecure-skip-signature', '--json'], env('unsigned'));
  assert.equal(json.code, 0, json.stderr);
  assert.equal(resultLine<FlashResult>(json.stdout).sourceTrust?.signatureSkipped, true, 'the --json result records the skip');
});
