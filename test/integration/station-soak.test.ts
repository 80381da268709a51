/**
 * A station under fire while it writes a card: thousands of malformed, unauthenticated and
 * oversized connections on loopback during a real flash to a loop device through the station's
 * WebSocket API; and a browser that goes away mid-flash. In both, the card must end up holding
 * the image byte for byte, the history must record it verified, and the station must still answer.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WebSocket } from 'ws';
import type { FlashResult } from '../../shared/domain/flash';
import type { HistoryEntry } from '../../shared/domain/history';
import { MAX_MESSAGE_BYTES } from '../../electron/station/socket-api';
import { readRange } from '../helpers/card-check';
import { clientFrame, sendAndReset, sendFrames, sendRaw, TEXT_FRAME, upgradeRequest } from '../helpers/hostile-clients';
import { insertTestCard } from '../helpers/loop';
import { callApi, openApi, stationAnswers } from '../helpers/station-client';
import { spawnStation, type StationProcess } from '../helpers/station-process';
import { loopSkipReason } from '../helpers/system';

const MiB = 1024 * 1024;
const IMAGE_SIZE = 96 * MiB;
/** The flood: at least this many connections, and it goes on until the flash is done... */
const MIN_CONNECTIONS = 3000;
/** ...but never past these bounds. */
const MAX_CONNECTIONS = 20_000;
const FLOOD_LIMIT_MS = 40_000;
const CONCURRENCY = 32;
const skip = loopSkipReason() ?? false;

/** Random bytes behind an empty MBR (signature, no partitions): written whole, nothing to skip. */
function writeImage(file: string): Buffer {
  const image = randomBytes(IMAGE_SIZE);
  image.fill(0, 446, 510);
  image[510] = 0x55;
  image[511] = 0xaa;
  writeFileSync(file, image);
  return image;
}

/** Starts a flash over the socket; resolves with its job id and a promise of its flash:done. */
async function startFlashOver(ws: WebSocket, id: number, source: string, device: string): Promise<{ jobId: string; done: Promise<FlashResult> }> {
  let jobId = '';
  const results = new Map<string, FlashResult>();
  let settle: (result: FlashResult) => void = () => undefined;
  const done = new Promise<FlashResult>((resolve) => (settle = resolve));
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { event?: string; payload?: FlashResult };
    if (message.event !== 'flash:done' || !message.payload) return;
    results.set(message.payload.jobId, message.payload);
    if (message.payload.jobId === jobId) settle(message.payload);
  });
  // A client names only drives the station handed out: resolve the loop device first.
  assert.equal((await callApi(ws, id + 100_000, 'drives:resolve', { path: device })).ok, true);
  const reply = await callApi(ws, id, 'flash:start', { source, targets: [device] });
  assert.equal(reply.ok, true, JSON.stringify(reply.error));
  jobId = (reply.value as { jobId: string }).jobId;
  const early = results.get(jobId);
  if (early) settle(early);
  return { jobId, done };
}

/** The history entry of one job, read through the station as the app does; waits for it (bounded). */
async function historyEntry(station: StationProcess, jobId: string, timeoutMs = 60_000): Promise<HistoryEntry | undefined> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ws = await openApi(station.port, station.token);
    try {
      const reply = await callApi(ws, 1, 'history:list', {});
      const entry = (reply.value as { entries: HistoryEntry[] }).entries.find((e) => e.jobId === jobId);
      if (entry) return entry;
    } finally {
      ws.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

/** One hostile connection of each kind in turn: no token and a reset, garbage, oversized, not UTF-8, wrong Host. */
function attack(station: StationProcess, n: number): Promise<unknown> {
  const { port, token } = station;
  switch (n % 6) {
    case 0:
      return sendAndReset(port, upgradeRequest(port));
    case 1:
      return sendRaw(port, randomBytes(64));
    case 2:
      return sendFrames(port, token, [clientFrame(TEXT_FRAME, Buffer.from('{'), MAX_MESSAGE_BYTES + 1)]);
    case 3:
      return sendFrames(port, token, [clientFrame(TEXT_FRAME, Buffer.from([0xc3, 0x28]))]);
    case 4:
      return sendRaw(port, upgradeRequest(port, { token, host: `rebind.example:${port}` }));
    default:
      return sendAndReset(port, `GET /?token=wrong HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  }
}

describe('station keeps a flash going', { skip }, () => {
  let workDir = '';
  let cardDir = '';
  let imagePath = '';
  let image: Buffer;
  let station: StationProcess;
  const disposers: Array<() => void> = [];
  before(async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-station-soak-'));
    cardDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-station-soak-cards-'));
    imagePath = path.join(workDir, 'image.img');
    image = writeImage(imagePath);
    // The image lives in the folder the station offers to its browser.
    // Its cards are stand-ins in their own folder: a station writes only the cards it lists.
    station = await spawnStation({ args: ['--images', workDir], env: { FIOT_TEST_CARD_DIR: cardDir } });
  });
  after(async () => {
    const code = station ? await station.stop() : 0;
    for (const dispose of disposers.reverse()) dispose();
    rmSync(workDir, { recursive: true, force: true });
    rmSync(cardDir, { recursive: true, force: true });
    assert.equal(code, 0, 'the station stopped cleanly');
  });

  function card() {
    const disk = insertTestCard(cardDir, `card-${disposers.length + 1}`, IMAGE_SIZE + 16 * MiB);
    disposers.push(() => disk.detach());
    return disk;
  }

  it('through thousands of hostile connections: the card is written, verified, and the station answers', async () => {
    const disk = card();
    const ws = await openApi(station.port, station.token);
    // The flood starts first and goes on until the flash is over, so however fast this machine
    // writes, every moment of the flash has hostile connections around it.
    let phase: 'before' | 'flashing' | 'over' = 'before';
    let duringFlash = 0;
    let total = 0;
    try {
      const started = Date.now();
      const worker = async () => {
        while (total < MAX_CONNECTIONS && Date.now() - started < FLOOD_LIMIT_MS && (phase !== 'over' || total < MIN_CONNECTIONS)) {
          const n = total++;
          if (phase === 'flashing') duringFlash++;
          await attack(station, n);
        }
      };
      let flooding = true;
      let floodOutlivedFlash = false;
      const flood = Promise.all(Array.from({ length: CONCURRENCY }, worker)).then(() => (flooding = false));
      while (total < 4 * CONCURRENCY) await new Promise((resolve) => setTimeout(resolve, 10));
      const flash = await startFlashOver(ws, 1, imagePath, disk.device);
      phase = 'flashing';
      void flash.done.then(() => {
        phase = 'over';
        floodOutlivedFlash = flooding;
      });
      await flood;
      const result = await flash.done;
      console.log(`hostile connections: ${total} (${duringFlash} while the flash ran), flash ${result.durationMs} ms`);
      assert.equal(result.ok, true, JSON.stringify(result.error));
      assert.equal(result.targets[0]?.verified, true);
      assert.ok(floodOutlivedFlash, `the flood stopped (${FLOOD_LIMIT_MS} ms) before the flash finished`);
      assert.ok(duringFlash >= CONCURRENCY, `only ${duringFlash} hostile connections overlapped the flash`);
      assert.ok(total >= MIN_CONNECTIONS, `only ${total} hostile connections were made in ${FLOOD_LIMIT_MS} ms`);
      assert.ok(readRange(disk.device, 0, IMAGE_SIZE).equals(image), 'the card holds the image byte for byte');
      assert.equal(station.running(), true, station.stderr());
      assert.equal(await stationAnswers(station.port, station.token), true);
      assert.equal((await historyEntry(station, flash.jobId))?.result, 'verified');
    } finally {
      ws.close();
    }
  });

  it('when the browser goes away mid-flash: the flash completes and the history says verified', async () => {
    const disk = card();
    const ws = await openApi(station.port, station.token);
    const firstProgress = new Promise<void>((resolve) => ws.on('message', (data: Buffer) => (JSON.parse(data.toString()) as { event?: string }).event === 'flash:progress' && resolve()));
    const { jobId } = await startFlashOver(ws, 1, imagePath, disk.device);
    await firstProgress;
    ws.terminate();
    const left = Date.now();
    const entry = await historyEntry(station, jobId);
    assert.ok(entry, 'the flash reached the history');
    assert.ok(Date.parse(entry.time) >= left, 'the flash finished after the browser had gone');
    assert.equal(entry.result, 'verified', JSON.stringify(entry.error));
    assert.equal(entry.device.path, disk.device);
    assert.ok(readRange(disk.device, 0, IMAGE_SIZE).equals(image), 'the card holds the image byte for byte');
    assert.equal(station.running(), true, station.stderr());
    assert.equal(await stationAnswers(station.port, station.token), true);
  });
});
