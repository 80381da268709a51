/**
 * The writer process on its own, through its line protocol: one job then exit, refusing what it
 * re-checks itself (even when the parent did not), and stopping when its parent goes away.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writerCommand } from '../../electron/core/flash/writer-command';
import type { WriterJob, WriterMessage } from '../../shared/writer-protocol';
import { readRange } from '../helpers/card-check';
import { createLoopDisk } from '../helpers/loop';
import { createStandInSystemDisk, standInSkipReason } from '../helpers/stand-in-system-disk';
import { loopSkipReason } from '../helpers/system';

const MiB = 1024 * 1024;
let dir = '';
let image = '';
let smallImage = '';

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-writer-'));
  image = path.join(dir, 'disk.img');
  // No partitions: the map writes it all, which keeps the writer busy for a while. Sparse after its first MiB.
  const head = Buffer.alloc(MiB, 0x6b);
  head[510] = 0x55;
  head[511] = 0xaa;
  writeFileSync(image, head);
  // Large enough (1 GiB, written whole) that the write is still running when a test stops it.
  truncateSync(image, 1024 * MiB);
  smallImage = path.join(dir, 'small.img');
  writeFileSync(smallImage, head);
  truncateSync(smallImage, 8 * MiB);
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Writer {
  messages: WriterMessage[];
  exit: Promise<number | null>;
  send(line: string): void;
  closeStdin(): void;
  kill(signal: NodeJS.Signals): void;
}

type Wrap = (command: string, args: string[]) => [string, string[]];

function startWriter(env: NodeJS.ProcessEnv = {}, wrap: Wrap = (command, args) => [command, args]): Writer {
  const command = writerCommand(false);
  const [file, args] = wrap(command.command, command.args);
  const child = spawn(file, args, { env: { ...command.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  const messages: WriterMessage[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => messages.push(JSON.parse(line) as WriterMessage));
  return {
    messages,
    exit: new Promise((resolve) => child.on('close', (code) => resolve(code))),
    send: (line) => child.stdin.write(line + '\n'),
    closeStdin: () => child.stdin.end(),
    kill: (signal) => child.kill(signal),
  };
}

const job = (targets: string[], extra: Partial<WriterJob> = {}): string => JSON.stringify({ type: 'job', job: { source: smallImage, targets: targets.map((device) => ({ device })), verify: true, ...extra } });

describe('writer process', () => {
  test('one job to an image file: progress lines, one result, exit 0', async () => {
    const writer = startWriter();
    const out = path.join(dir, 'out.img');
    writer.send(job([out]));
    assert.equal(await writer.exit, 0);
    const result = writer.messages.at(-1);
    assert.equal(result?.type, 'result');
    assert.ok(result?.type === 'result' && result.ok && result.targets[0]?.verified);
    assert.ok(writer.messages.slice(0, -1).every((m) => m.type === 'progress'));
  });

  test('it re-checks targets itself: a system disk named straight to the writer, by any of its names, is refused before a byte is written', { skip: standInSkipReason() ?? false, timeout: 120_000 }, async () => {
    const system = await createStandInSystemDisk();
    try {
      const before = system.sha256();
      const expected = { disk: 'TARGET_SYSTEM', partition: 'INVALID_INPUT', alias: 'TARGET_SYSTEM', link: 'TARGET_SYSTEM' };
      for (const [name, device] of Object.entries(system.names)) {
        // Inside the namespace where the stand-in holds /srv: the writer's own detection must see it.
        const writer = startWriter({}, (command, args) => system.wrap(command, args));
        writer.send(job([device]));
        assert.equal(await writer.exit, 0, name);
        const result = writer.messages.at(-1);
        assert.ok(result?.type === 'result', name);
        assert.equal(result.ok, false, name);
        assert.equal(result.targets[0]?.error?.code, expected[name as keyof typeof expected], `${name}: ${result.targets[0]?.error?.message}`);
        assert.ok(!writer.messages.some((m) => m.type === 'progress' && m.phase === 'writing'), `${name}: no writing phase`);
      }
      assert.equal(system.sectorsWritten(), 0, 'not a sector written');
      assert.equal(system.sha256(), before, 'the stand-in system disk is unchanged');
    } finally {
      await system.dispose();
    }
  });

  test('a malformed job is refused with exit 1', async () => {
    const writer = startWriter();
    writer.send('{"type":"job","job":{"source":""}}');
    assert.equal(await writer.exit, 1);
    const result = writer.messages.at(-1);
    assert.ok(result?.type === 'result' && !result.ok && result.error?.code === 'INTERNAL');
  });

  for (const how of ['the parent going away (stdin closed)', 'SIGTERM'] as const) {
    test(`${how} stops the write: CANCELLED, and the card gets no partition table`, { skip: loopSkipReason() ?? false, timeout: 120_000 }, async () => {
      const card = createLoopDisk(1024 * MiB, 'fiot-writer-card-');
      try {
        const writer = startWriter();
        let exited = false;
        void writer.exit.then(() => (exited = true));
        writer.send(job([card.device], { source: image }));
        // Wait until it is writing, then stop it as a crashed parent or the system would.
        while (!writer.messages.some((m) => m.type === 'progress' && m.phase === 'writing' && m.bytes > 0)) {
          assert.ok(!exited, 'the writer finished before the test could stop it');
          await new Promise((r) => setTimeout(r, 20));
        }
        if (how === 'SIGTERM') writer.kill('SIGTERM');
        else writer.closeStdin();
        assert.equal(await writer.exit, 0);
        const result = writer.messages.at(-1);
        assert.ok(result?.type === 'result');
        assert.equal(result.ok, false);
        assert.equal(result.targets[0]?.state, 'cancelled');
        assert.ok(readRange(card.device, 0, MiB).equals(Buffer.alloc(MiB)), 'the held-back head never reached the card');
      } finally {
        card.dispose();
      }
    });
  }
});
