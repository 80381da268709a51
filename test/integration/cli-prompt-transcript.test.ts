/**
 * The erase prompt in a captured transcript, as a person at a terminal keeps one: `fiot-flash flash
 * … | tee log` (stdout a pipe, the question still asked on the terminal), and a plain terminal
 * session under `script`. The question is one plain line, with no cursor control around it; with
 * stdout not a terminal nothing at all redraws (no escape sequence, no bare carriage return) and
 * the progress is plain lines; on a terminal the progress line redraws only after the answer.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeFixture } from '../fixtures/fixture';
import { createLoopDisk } from '../helpers/loop';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { answerOnTerminal, ERASE_QUESTION } from '../helpers/terminal';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/fiot-flash.mjs');
const skip = loopSkipReason() ?? commandsSkipReason('script', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'xz') ?? false;

/** The transcript up to and including the echoed answer: what the terminal showed while the question waited. */
function whileAsking(transcript: string): string {
  const asked = transcript.indexOf(ERASE_QUESTION);
  assert.ok(asked >= 0, `the question was asked:\n${transcript.slice(0, 2000)}`);
  const answerEnd = transcript.indexOf('\n', asked);
  return transcript.slice(0, answerEnd < 0 ? undefined : answerEnd + 1);
}

describe('the erase prompt in a captured transcript', { skip }, () => {
  it('piped to a log (`| cat`): the question is one plain line with the answer after it, and nothing draws over it', { timeout: 300_000 }, async () => {
    const fixture = await makeFixture({ xz: true });
    const disk = createLoopDisk(fixture.size);
    try {
      const { code, transcript } = await answerOnTerminal(`${process.execPath} ${bin} flash ${fixture.xzPath} --drive ${disk.device} --no-verify | cat`, 'y');
      assert.equal(code, 0, transcript.slice(-2000));
      // The terminal echoes the answer right after the question: the line reads as a person typed it.
      assert.match(transcript, new RegExp(`This will erase everything on ${disk.device} \\(.*\\)\\. Erase it\\? \\[y/N\\] y\\r?\\n`));
      assert.ok(!transcript.includes('\x1b'), `no escape sequence anywhere:\n${JSON.stringify(transcript.slice(0, 1500))}`);
      assert.doesNotMatch(transcript, /\r(?!\n)/, 'no carriage return that redraws a line');
      assert.match(transcript, /^(Writing|Decompressing|Done) +\[#+\] +100%/m, 'progress as plain lines');
      assert.match(transcript, new RegExp(`✔ ${disk.device}: written \\(not verified\\)`));
    } finally {
      disk.dispose();
    }
  });

  it('on a terminal: nothing but the question while it waits; the progress line redraws only after the answer', { timeout: 300_000 }, async () => {
    const fixture = await makeFixture({ xz: true });
    const disk = createLoopDisk(fixture.size);
    try {
      const { code, transcript } = await answerOnTerminal(`${process.execPath} ${bin} flash ${fixture.xzPath} --drive ${disk.device} --no-verify`, 'yes');
      assert.equal(code, 0, transcript.slice(-2000));
      const asking = whileAsking(transcript);
      assert.ok(!asking.includes('\x1b'), `no cursor control around the question: ${JSON.stringify(asking)}`);
      assert.match(asking, /Erase it\? \[y\/N\] yes\r?\n$/);
      assert.match(transcript.slice(asking.length), /\r(Writing|Decompressing|Done) +\[[#-]+\]/, 'the progress line redraws in place on a terminal');
    } finally {
      disk.dispose();
    }
  });
});
