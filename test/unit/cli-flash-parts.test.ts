import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { Drive } from '../../shared/domain/drive';
import type { FlashProgress, FlashResult } from '../../shared/domain/flash';
import { confirmErase, erasePrompt } from '../../electron/cli/confirm';
import { flashSucceeded, reportFlash } from '../../electron/cli/flash-report';
import { checkTargets } from '../../electron/core/drives/check-targets';
import { boardMedium } from '../../electron/core/flash/preflight';
import type { FiotError } from '../../shared/errors';
import { createProgressView, formatEta, progressLine } from '../../electron/cli/progress-view';
import { captureIO } from '../helpers/cli-io';

const card: Drive = { device: '/dev/sdb', description: 'SanDisk Ultra', size: 32e9, isSystem: false, isRemovable: true, isReadOnly: false, isVirtual: false, kind: 'drive', mountpoints: [] };

const oneCard = (step: FlashProgress['targets'][number]['figure']['step'], percent: number | null): FlashProgress['targets'] => [{ device: '/dev/sdb', state: 'writing', bytesWritten: 0, figure: { step, percent } }];

function progress(overrides: Partial<FlashProgress> = {}): FlashProgress {
  return { jobId: 'j1', phase: 'writing', bytes: 420e6, totalBytes: 1e9, speed: 35.2e6, etaSeconds: 16.5, percent: 27, targets: oneCard('writing', 27), ...overrides };
}

function result(overrides: Partial<FlashResult> = {}, target: Partial<FlashResult['targets'][number]> = {}): FlashResult {
  return {
    jobId: 'j1',
    ok: true,
    source: '/images/fedora.raw.xz',
    imageSize: 1e9,
    targets: [{ device: '/dev/sdb', state: 'done', bytesWritten: 1e9, verified: true, writtenSha256: 'ab'.repeat(32), ...target }],
    durationMs: 12_300,
    ...overrides,
  };
}

describe('confirmation', () => {
  it('names the drive as its label does', () => {
    assert.equal(erasePrompt([card]), 'This will erase everything on /dev/sdb (SanDisk Ultra 32 GB). Erase it? [y/N] ');
  });

  it('names every drive of a multi-card run', () => {
    const second = { ...card, device: '/dev/sdc', size: 16e9 };
    assert.match(erasePrompt([card, second]), /\/dev\/sdb \(SanDisk Ultra 32 GB\) and \/dev\/sdc \(SanDisk Ultra 16 GB\)\. Erase them\? \[y\/N\] $/);
  });

  it('with --no-discard asks to write over, not to erase, and says the old data may remain', () => {
    const asked = erasePrompt([card], false);
    assert.match(asked, /^This will write the image over everything on \/dev\/sdb \(SanDisk Ultra 32 GB\), without erasing the old data first \(--no-discard\): it may remain in free space\. Write over it\? \[y\/N\] $/);
    assert.doesNotMatch(asked, /Erase/);
  });

  it('refuses when there is no terminal to ask on', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: false });
    await assert.rejects(confirmErase([card], { input, output: new PassThrough() }), (e: Error & { code?: string }) => e.code === 'NOT_CONFIRMED' && /--yes/.test((e as Error & { hint: string }).hint));
  });

  it('goes on when the person types yes on a terminal, and asks the question there', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const output = new PassThrough();
    let asked = '';
    output.on('data', (chunk: Buffer) => (asked += chunk.toString()));
    const answered = confirmErase([card], { input, output });
    input.write('yes\n');
    await answered;
    assert.match(asked, /erase everything on \/dev\/sdb/);
  });

  it('treats the end of input (Ctrl-D) at the question as a no', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const answered = confirmErase([card], { input, output: new PassThrough() });
    input.end();
    await assert.rejects(answered, (e: Error & { code?: string }) => e.code === 'NOT_CONFIRMED' && /stopped at the question/.test(e.message));
  });

  it('takes y as a yes, as every terminal prompt does', async () => {
    for (const word of ['y', 'Y', ' yes ']) {
      const input = Object.assign(new PassThrough(), { isTTY: true });
      const answered = confirmErase([card], { input, output: new PassThrough() });
      input.write(word + '\n');
      await answered;
    }
  });

  it('stops on any other answer, the empty one (Enter) included', async () => {
    for (const word of ['n', '', 'yess', 'sure']) {
      const input = Object.assign(new PassThrough(), { isTTY: true });
      const answered = confirmErase([card], { input, output: new PassThrough() });
      input.write(word + '\n');
      await assert.rejects(answered, { code: 'NOT_CONFIRMED' });
    }
  });
});

describe('target checks before writing', () => {
  /** Drives that exist only on paper, found by their device name. */
  const onPaper = (drives: Drive[]) => ({
    resolveTarget: async (name: string) => drives.find((d) => d.device === name) ?? assert.fail(`unexpected target ${name}`),
  });

  it('refuses a system drive whatever else is true, naming it', async () => {
    const vda = { ...card, device: '/dev/vda', isSystem: true };
    await assert.rejects(checkTargets(['/dev/sdb', '/dev/vda'], { size: 1e9 }, onPaper([card, vda])), (e: Error & { code?: string }) => e.code === 'TARGET_SYSTEM' && /\/dev\/vda/.test(e.message));
  });

  it('lists every refused drive in one message', async () => {
    const drives = [{ ...card, isReadOnly: true }, { ...card, device: '/dev/sdc', size: 1e6 }];
    await assert.rejects(
      checkTargets(['/dev/sdb', '/dev/sdc'], { size: 1e9 }, onPaper(drives)),
      (e: Error) => /\/dev\/sdb.*read-only/s.test(e.message) && /\/dev\/sdc.*too small/s.test(e.message),
    );
  });

  it('a card too small: the refusal says the way out once, for a PC in the words of a USB stick', async () => {
    const error = await checkTargets(['/dev/sdb'], { size: 6.44e9 }, { ...onPaper([{ ...card, size: 4e9 }]), medium: boardMedium('uefi-x86_64')! }).then(() => assert.fail('refused'), (e: FiotError) => e);
    assert.equal(error.code, 'TARGET_TOO_SMALL');
    assert.equal(`${error.message} ${error.hint}`, '/dev/sdb (SanDisk Ultra 4 GB) is too small: the image needs 6.44 GB. Use a USB stick of at least 6.44 GB.');
  });

  it('passes large drives through with a warning', async () => {
    const checked = await checkTargets(['/dev/sdb'], { size: 1e9 }, onPaper([{ ...card, size: 1e12 }]));
    assert.deepEqual(checked.warnings.map((w) => w.code), ['TARGET_LARGE']);
  });
});

describe('progress', () => {
  it('shows the card\'s step, its one figure over the whole write, speed and the step\'s time left', () => {
    assert.equal(progressLine(progress(), 10), 'Writing               [###-------]  27%  35.2 MB/s  0:17 left in this step');
  });

  it('shows bytes and no figure while the image\'s size is unknown', () => {
    assert.match(progressLine(progress({ totalBytes: null, etaSeconds: null, phase: 'decompressing', percent: null, targets: oneCard('writing', null) })), /^Writing .*\] {7}420 MB {2}35\.2 MB\/s$/);
  });

  it('says nothing of a speed not measured yet, nor of speed and time once every card is done', () => {
    assert.equal(progressLine(progress({ bytes: 0, speed: 0, etaSeconds: null, percent: 0, targets: oneCard('writing', 0) }), 10), 'Writing               [----------]   0%');
    const done: FlashProgress['targets'] = [{ device: '/dev/sdb', state: 'done', bytesWritten: 5, figure: { step: 'done', percent: 100 } }];
    assert.equal(progressLine(progress({ phase: 'verifying', percent: 100, targets: done }), 10), 'Done                  [##########] 100%');
  });

  it('counts cards, not bytes, while first boot is set up; no speed or time left then, nor once done', () => {
    const line = progressLine(progress({ phase: 'provisioning', bytes: 1, totalBytes: 3, speed: 6, etaSeconds: 2, percent: 95, targets: oneCard('first-boot', 95) }), 10);
    assert.equal(line, 'Setting up first boot [##########]  95%  first boot: 1 of 3 cards set up');
    assert.doesNotMatch(line, /B\/s/);
    assert.equal(progressLine(progress({ phase: 'done', bytes: 1e9, totalBytes: 1e9, speed: 0, etaSeconds: null, percent: 100, targets: oneCard('done', 100) }), 10), 'Done                  [##########] 100%');
  });

  it('says how many of several cards are done and what the slowest does, with the slowest\'s figure', () => {
    const targets: FlashProgress['targets'] = [
      { device: '/dev/sdb', state: 'done', bytesWritten: 5, figure: { step: 'done', percent: 100 } },
      { device: '/dev/sdc', state: 'verifying', bytesWritten: 5, figure: { step: 'verifying', percent: 83 } },
      { device: '/dev/sdd', state: 'failed', bytesWritten: 1, figure: { step: 'failed', percent: 12 } },
    ];
    assert.match(progressLine(progress({ phase: 'verifying', percent: 83, targets }), 10), /^1 of 3 cards done · the slowest is verifying · 1 failed \[########--\] {2}83%/);
  });

  it('while the image streams from its download: the download facts first, fitted to the terminal in whole words', () => {
    const twoCards: FlashProgress['targets'] = ['/dev/sdb', '/dev/sdc'].map((device) => ({ device, state: 'writing', bytesWritten: 2e8, figure: { step: 'writing', percent: 8 } }));
    const streamed = progress({ phase: 'writing', bytes: 2.8e9, totalBytes: 6.44e9, speed: 13.9e6, etaSeconds: 64, percent: 8, targets: twoCards, download: { bytes: 40e6, totalBytes: 348e6, limitedBy: 'download', paceKnown: true, read: 39e6, speed: 5e6 } });
    assert.equal(progressLine(streamed, 10), '0 of 2 cards done · the slowest is writing [#---------]   8%  downloaded 40 MB of 348 MB  1:04 left in this step  5 MB/s  waiting for the download');
    // Narrower: the bar first, then the headline and the time left said shorter, then the last facts left out whole.
    assert.equal(progressLine(streamed, 30, 120), '0/2 done, writing [##-------------------]   8%  downloaded 40 MB of 348 MB  1:04 left  5 MB/s  waiting for the download');
    assert.equal(progressLine(streamed, 30, 80), '0/2 done, writing [#--------------]   8%  downloaded 40 MB of 348 MB  1:04 left');
    for (const columns of [200, 120, 100, 80, 60, 40, 24]) assert.ok(progressLine(streamed, 30, columns).length < columns, `fits ${columns} columns`);
  });

  it('gives no pace verdict before the writer knows it', () => {
    const line = progressLine(progress({ phase: 'writing', percent: 1, download: { bytes: 14e6, totalBytes: 348e6, limitedBy: 'card', paceKnown: false, read: 13e6, speed: 0 } }), 10);
    assert.equal(line, 'Writing               [----------]   1%  downloaded 14 MB of 348 MB  0:17 left in this step');
  });

  it('formats long ETAs with hours', () => {
    assert.equal(formatEta(3725), '1:02:05');
  });

  it('writes one JSON object per update with --json', () => {
    const captured = captureIO(true);
    const view = createProgressView(captured.io);
    view.update(progress());
    view.update(progress({ bytes: 500e6 }));
    assert.deepEqual(captured.jsonLines().map((l) => [l.type, l.bytes]), [['progress', 420e6], ['progress', 500e6]]);
  });

  it('redraws one line on a terminal', () => {
    const captured = captureIO(false, { stdoutIsTTY: true });
    const view = createProgressView(captured.io);
    view.update(progress());
    view.update(progress({ phase: 'done', bytes: 1e9 }));
    view.finish();
    const out = captured.stdout();
    assert.equal(out.split('\n').length, 2, 'one line, ended once');
    assert.equal(out.split('\r').length - 1, 2, 'drawn twice in place');
  });

  it('prints plain lines in a log: each phase, then every tenth', () => {
    const captured = captureIO(false);
    const view = createProgressView(captured.io);
    for (let percent = 0; percent <= 66; percent += 1) view.update(progress({ percent, targets: oneCard('writing', percent) }));
    view.update(progress({ phase: 'verifying', bytes: 0, percent: 66, targets: oneCard('verifying', 66) }));
    const lines = captured.stdout().trim().split('\n');
    assert.equal(lines.filter((l) => l.startsWith('Writing')).length, 7, '0 %, then each tenth up to 60 %');
    assert.equal(lines.filter((l) => l.startsWith('Verifying')).length, 1);
    assert.ok(!captured.stdout().includes('\r'));
  });
});

describe('flash report', () => {
  it('succeeds only when every card is written and verified', () => {
    assert.equal(flashSucceeded(result(), true), true);
    assert.equal(flashSucceeded(result({}, { verified: false }), true), false);
    assert.equal(flashSucceeded(result({}, { verified: false }), false), true);
    assert.equal(flashSucceeded(result({ ok: false }), true), false);
    assert.equal(flashSucceeded(result({ targets: [] }), true), false);
  });

  it('never calls a card good when the job says ok but the card failed', () => {
    const captured = captureIO(true);
    const ok = reportFlash(result({}, { state: 'failed', verified: false, error: { code: 'VERIFY_FAILED', message: '/dev/sdb differs at byte 4096' } }), true, captured.io);
    assert.equal(ok, false);
    const last = captured.jsonLines().at(-1)!;
    assert.equal(last.type, 'result');
    assert.equal(last.ok, false);
    assert.deepEqual((last.error as { code: string }).code, 'VERIFY_FAILED');
  });

  it('reports a cancelled card as incomplete', () => {
    const captured = captureIO(false);
    reportFlash(result({ ok: false }, { state: 'cancelled', verified: false }), true, captured.io);
    assert.match(captured.stdout(), /✘ \/dev\/sdb: .*cancelled/);
    assert.match(captured.stderr(), /write it again before using it/);
  });

  it('prints the verified checksum per card for people', () => {
    const captured = captureIO(false);
    assert.equal(reportFlash(result(), true, captured.io), true);
    assert.match(captured.stdout(), /✔ \/dev\/sdb: written and verified, image data sha256 (ab){32}\n/);
    assert.match(captured.stdout(), /^The image data sha256 covers the image’s bytes as written to each card/m, 'what it covers, once');
  });
});
