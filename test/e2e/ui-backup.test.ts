/**
 * "Save a card as an image" in Chromium through the station: a card (a loop device the station
 * lists as a removable card) holding a Fedora-IoT-shaped image with a machine ID is saved under a
 * file name in the station's images folder; the file is a multi-block .xz whose image holds the
 * card's partitions with the machine ID cleared, and the card itself is unchanged.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fsckPartition } from '../helpers/boot-partition';
import { chromiumSkipReason, screenshotPath } from '../helpers/browser';
import { attachLoop } from '../helpers/loop';
import { provisionFixture } from '../helpers/provision-fixture';
import { openStationSession, type StationSession } from '../helpers/station-session';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';

const skip = chromiumSkipReason() ?? loopSkipReason() ?? commandsSkipReason('debugfs', 'e2fsck', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'xz') ?? false;
const MACHINE_ID = '0123456789abcdef0123456789abcdef\n';

describe('save a card as an image, in the app', { skip }, () => {
  let session: StationSession;
  let cardDir = '';

  before(async () => {
    cardDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-backup-cards-'));
    session = await openStationSession('backup', { FIOT_TEST_CARD_DIR: cardDir });
  });
  after(async () => {
    await session?.close();
    rmSync(cardDir, { recursive: true, force: true });
  });

  it('saves the chosen card into the images folder, its machine ID cleared in the copy', { timeout: 180_000 }, async () => {
    const fixture = await provisionFixture({ layout: 'mbr' });
    const backing = path.join(cardDir, 'golden.img');
    copyFileSync(fixture.path, backing);
    const root = fixture.partitions.find((p) => p.label === 'root')!;
    const deployment = execFileSync('debugfs', ['-R', 'ls -p /ostree/deploy/fedora-iot/deploy', `${backing}?offset=${root.offset}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').map((l) => l.split('/')[5]).find((n) => n && n.endsWith('.0'))!;
    const machineId = `/ostree/deploy/fedora-iot/deploy/${deployment}/etc/machine-id`;
    const idFile = path.join(cardDir, 'machine-id.txt');
    execFileSync('sh', ['-c', 'printf "$1" > "$2"', 'sh', MACHINE_ID, idFile]);
    execFileSync('debugfs', ['-w', '-R', `write ${idFile} ${machineId}`, `${backing}?offset=${root.offset}`], { stdio: 'ignore' });
    const card = attachLoop(backing);
    const before = createHash('sha256').update(readFileSync(backing)).digest('hex');
    const page = await session.browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(session.station.url);
      await page.getByTestId('tool-open-backup').click();
      await page.locator('[data-testid="backup-drive"]', { hasText: card.device }).locator('input').check({ timeout: 30_000 });
      assert.match(await page.getByTestId('backup-name').inputValue(), /^golden-\d{4}-\d{2}-\d{2}\.raw\.xz$/);
      await page.getByTestId('backup-name').fill('site-golden.raw.xz');
      assert.equal(await page.getByTestId('backup-clear-identity').isChecked(), true, 'clearing is the default');
      await page.getByTestId('backup-button').click();
      const banner = page.getByTestId('backup-result');
      await banner.waitFor({ timeout: 150_000 });
      const file = path.join(session.imagesDir, 'site-golden.raw.xz');
      assert.match(await banner.innerText(), new RegExp(`Saved ${card.device} as \\S*site-golden\\.raw\\.xz: a .* image, .* compressed, .*Cleared: 1 file\\.`));
      const shot = screenshotPath('backup-saved');
      if (shot) await page.screenshot({ path: shot, fullPage: true });

      const image = path.join(cardDir, 'restored.img');
      execFileSync('sh', ['-c', 'xz -dc "$1" > "$2"', 'sh', file, image]);
      assert.equal(execFileSync('debugfs', ['-R', `cat ${machineId}`, `${image}?offset=${root.offset}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }), '', 'the copy has an empty machine ID');
      const fsck = fsckPartition(image, root);
      assert.equal(fsck.status, 0, fsck.output);
      assert.equal(createHash('sha256').update(readFileSync(backing)).digest('hex'), before, 'the card was only read');

      // A name that leaves the images folder is refused.
      await page.getByTestId('backup-name').fill('../escape.raw.xz');
      await page.getByTestId('backup-button').click();
      assert.equal(await page.getByTestId('backup-error').getAttribute('data-code'), 'FILE_NOT_GIVEN');
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
      card.detach();
    }
  });
});
