/**
 * The check a flash runs on its source image before writing any card: raw images are read
 * directly; compressed ones are decoded once as a stream keeping only what the check needs
 * (Zezere mode decodes to a sparse temporary file, since zezere-ignition may sit anywhere).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { inspectSource } from '../../../electron/core/image-source';
import { checkSourceForProvisioning } from '../../../electron/core/provision/source-check';
import { FiotError } from '../../../shared/errors';
import type { ProvisioningPlan } from '../../../shared/provisioning';
import { provisionFixture } from '../../helpers/provision-fixture';
import { commandsSkipReason } from '../../helpers/system';

const skip = commandsSkipReason('sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'openssl', 'xz') ?? false;
let dir: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-source-check-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function check(file: string, mode: ProvisioningPlan['mode'] = 'config'): Promise<string> {
  try {
    await checkSourceForProvisioning(await inspectSource(file), mode);
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof FiotError, String(error));
    return error.code;
  }
}

describe('checkSourceForProvisioning', { skip }, () => {
  it('accepts Fedora IoT images, raw and compressed', async () => {
    const fixture = await provisionFixture({ layout: 'gpt', xz: true });
    assert.equal(await check(fixture.path), 'ok');
    assert.equal(await check(fixture.xzPath!), 'ok');
    const gz = path.join(dir, 'image.raw.gz');
    writeFileSync(gz, gzipSync(readFileSync(fixture.path), { level: 1 }));
    assert.equal(await check(gz), 'ok');
  });

  it('refuses Zezere for an image without zezere-ignition, raw or compressed, and accepts one with it', async () => {
    const without = await provisionFixture({ layout: 'gpt', xz: true });
    assert.equal(await check(without.path, 'zezere'), 'ZEZERE_UNSUPPORTED');
    assert.equal(await check(without.xzPath!, 'zezere'), 'ZEZERE_UNSUPPORTED');
    const withZezere = await provisionFixture({ layout: 'mbr', zezere: true, xz: true });
    assert.equal(await check(withZezere.xzPath!, 'zezere'), 'ok');
  });

  it('refuses an image that is not Fedora IoT, and a damaged archive', async () => {
    const blank = path.join(dir, 'blank.raw');
    writeFileSync(blank, Buffer.alloc(8 << 20));
    execFileSync('xz', ['-T1', '-0', '-k', blank]);
    assert.equal(await check(`${blank}.xz`), 'NOT_FEDORA_IOT');
    const fixture = await provisionFixture({ layout: 'gpt' });
    const truncated = path.join(dir, 'truncated.raw.gz');
    writeFileSync(truncated, gzipSync(readFileSync(fixture.path), { level: 1 }).subarray(0, 1 << 20));
    assert.equal(await check(truncated), 'SOURCE_CORRUPT');
  });
});
