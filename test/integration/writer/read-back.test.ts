/**
 * Verification reads the card, not the writer's memory: the writer's job runs in this process
 * with its test seam (awaited before each read-back), and the test changes one byte on one of two
 * loop devices underneath it (in the backing file, then `blockdev --flushbufs`): in the streamed
 * body, in the provisioned config, and in the partition table written last. That card must fail
 * with VERIFY_FAILED and keep no partition table any tool finds; the other card must pass.
 * The cards held a larger GPT disk before: its backup header at their end must be gone too.
 * A writer killed (SIGKILL, no clean-up possible) after the body is on the card leaves no table either.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { writerCommand } from '../../../electron/core/flash/writer-command';
import { spawnWriter } from '../../../electron/core/flash/writer-client';
import { loadInjector } from '../../../electron/writer/injector';
import { runJob, type ReadBackPoint } from '../../../electron/writer/run-job';
import type { WriterResultMessage } from '../../../shared/writer-protocol';
import { plansForRun } from '../../../shared/provisioning';
import type { Fixture } from '../../fixtures/fixture';
import { debugfs } from '../../helpers/boot-partition';
import { assertCardHoldsImage, readRange } from '../../helpers/card-check';
import { createLoopDisk } from '../../helpers/loop';
import { flipByteUnderneath, tableSignatures, tableTools, writeOldGpt } from '../../helpers/partition-tables';
import { provisionFixture } from '../../helpers/provision-fixture';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'wipefs', 'blkid', 'blockdev', 'debugfs', 'e2fsck', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'openssl', 'xz') ?? false;

let fixture: Fixture;
before(async () => {
  if (!skip) fixture = await provisionFixture({ layout: 'gpt', xz: true });
});

type Card = ReturnType<typeof createLoopDisk>;
const cards: Card[] = [];
after(() => {
  for (const card of cards) card.dispose();
});

/** A card (by default 64 MiB larger than the image) that held a GPT disk of its own size. */
function usedGptCard(size = fixture.size + 64 * MiB): Card {
  const card = createLoopDisk(size, 'fiot-read-back-');
  cards.push(card);
  writeOldGpt(card.device);
  return card;
}

/** The writer's job on both cards, with `tamper` run at each read-back point. */
async function writeTwo(tamper: (point: ReadBackPoint, cards: [Card, Card]) => void, signal = new AbortController().signal): Promise<{ result: WriterResultMessage; cards: [Card, Card] }> {
  const pair: [Card, Card] = [usedGptCard(), usedGptCard()];
  const { plans } = plansForRun({ hostname: 'card-{n}' }, 2);
  const result = await runJob({
    source: fixture.xzPath!,
    targets: pair.map((card, i) => ({ device: card.device, provisioning: plans![i] })),
    verify: true,
  }, {
    emit: () => undefined,
    signal,
    inject: await loadInjector(),
    beforeReadBack: async (point) => tamper(point, pair),
  });
  return { result, cards: pair };
}

/**
 * No table any tool finds, and no GPT header where the image keeps its backup (a tool looks for a
 * backup only at the end of the device: on a larger card, that place is checked here directly).
 */
function assertNoTables(card: Card): void {
  assert.deepEqual(tableSignatures(card.device), [], 'wipefs finds no signature (no MBR, no primary or backup GPT)');
  assert.deepEqual(tableTools(card.device), { sfdisk: false, blkid: false });
  assert.equal(readRange(fixture.path, fixture.size - 512, 8).toString('latin1'), 'EFI PART', 'the image keeps its backup header in its last sector');
  assert.notEqual(readRange(card.device, fixture.size - 512, 8).toString('latin1'), 'EFI PART', 'the image\'s backup GPT header is not on the card');
}

/** The image's table and nothing else: no old backup header left at the end of the larger card. */
async function assertFinished(card: Card): Promise<void> {
  await assertCardHoldsImage(fixture, card.device, { provisioned: 'boot' });
  assert.match(debugfs(card.device, boot(), 'cat /ignition/config.ign'), /data:,card-1%0A/, 'the good card is provisioned as card-1');
  for (const signature of tableSignatures(card.device)) {
    assert.ok(signature.offset < fixture.size, `only the image's tables are found (${signature.type} at ${signature.offset})`);
  }
  assert.deepEqual(tableTools(card.device), { sfdisk: true, blkid: true });
}

const boot = () => fixture.partitions.find((p) => p.label === 'boot')!;

type Changed = 'body' | 'provisioned config' | 'primary GPT header' | 'backup GPT header';
const readBackOf: Record<Changed, ReadBackPoint['part']> = {
  body: 'body', 'provisioned config': 'provisioning', 'primary GPT header': 'tables', 'backup GPT header': 'tables',
};

/** Where the changed byte goes: the boot superblock, the config's first block (1 KiB blocks here), a GPT header. */
function offsetIn(changed: Changed, card: Card): number {
  if (changed === 'body') return boot().offset + 1024 + 0x38;
  if (changed === 'primary GPT header') return 512 + 16;
  if (changed === 'backup GPT header') return fixture.size - 512 + 16;
  const block = Number(debugfs(card.device, boot(), 'blocks /ignition/config.ign').trim().split(/\s+/)[0]);
  assert.ok(block > 0, 'the config was written before its read-back');
  return boot().offset + block * 1024 + 10;
}

describe('the writer reads back what the card holds', { skip }, () => {
  for (const where of Object.keys(readBackOf) as Changed[]) {
    it(`a byte changed underneath in the ${where} fails that card only, and it keeps no partition table`, async () => {
      let changed = false;
      const { result, cards: [good, bad] } = await writeTwo((point, pair) => {
        if (point.part !== readBackOf[where] || point.device !== pair[1].device) return;
        flipByteUnderneath(pair[1].backingFile, pair[1].device, offsetIn(where, pair[1]));
        changed = true;
      });
      assert.ok(changed, `the ${readBackOf[where]} read-back point was reached`);
      assert.deepEqual(result.targets.map((t) => [t.state, t.verified, t.error?.code]), [['done', true, undefined], ['failed', false, 'VERIFY_FAILED']]);
      await assertFinished(good);
      assertNoTables(bad);
    });
  }

  it('a write cancelled during the read-back leaves neither card with a table, old or new', async () => {
    const abort = new AbortController();
    const { result, cards: pair } = await writeTwo((point) => {
      if (point.part === 'body') abort.abort();
    }, abort.signal);
    assert.equal(result.ok, false);
    assert.deepEqual(result.targets.map((t) => t.error?.code), ['CANCELLED', 'CANCELLED']);
    for (const card of pair) assertNoTables(card);
  });
});

describe('a writer killed after the body is written', { skip }, () => {
  it('leaves no partition table on a card of the image\'s size: not the image\'s backup GPT at its end', async () => {
    const card = usedGptCard(fixture.size);
    const { plans } = plansForRun({ hostname: 'card-{n}' }, 1);
    let killedIn = '';
    const writer = spawnWriter({ source: fixture.xzPath!, targets: [{ device: card.device, provisioning: plans![0] }], verify: true }, writerCommand(false), (message) => {
      if (killedIn || message.type !== 'progress' || (message.phase !== 'verifying' && message.phase !== 'provisioning')) return;
      killedIn = message.phase;
      process.kill(writer.pid!, 'SIGKILL');
    });
    await assert.rejects(writer.result, /SIGKILL/);
    assert.ok(killedIn, 'the writer was killed once the whole body was written');
    assertNoTables(card);
  });
});
