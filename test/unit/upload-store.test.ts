/**
 * The station page's upload store, with a stand-in for the browser's XMLHttpRequest (Node has
 * none; test/e2e/ui-station-upload.test.ts sends real uploads from Chromium): a name the station
 * would refuse is refused before anything is sent; progress carries bytes and speed; the saved
 * image is chosen; Cancel and a refusal say so.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createUploadStore } from '../../renderer/src/features/image/upload-store';
import { UploadCancelled, type SendUpload } from '../../renderer/src/transport/station-upload';
import type { UploadedImage } from '../../shared/station-upload';

interface SentUpload {
  file: File;
  progress(sent: number): void;
  finish(result: UploadedImage | Error): void;
  cancelled: boolean;
}

function standInSender(): { send: SendUpload; sent: SentUpload[] } {
  const sent: SentUpload[] = [];
  const send: SendUpload = (file, onProgress) => {
    let finish: (result: UploadedImage | Error) => void = () => undefined;
    const done = new Promise<UploadedImage>((resolve, reject) => (finish = (result) => (result instanceof Error ? reject(result) : resolve(result))));
    const upload: SentUpload = { file, progress: onProgress, finish, cancelled: false };
    sent.push(upload);
    return { done, cancel: () => ((upload.cancelled = true), finish(new UploadCancelled('Upload cancelled.'))) };
  };
  return { send, sent };
}

const image = (name: string, size = 1000) => new File([new Uint8Array(size)], name);

test('a name the station would refuse, or an empty file, is refused before a byte is sent', async () => {
  const { send, sent } = standInSender();
  const store = createUploadStore(send, async () => true);
  for (const [file, words] of [[image('notes.txt'), /not named like a disk image/], [image('../x.raw'), /is a path/], [image('empty.raw', 0), /is empty/]] as const) {
    assert.equal(await store.getState().start(file), false);
    assert.equal(store.getState().status, 'failed');
    assert.match(store.getState().error!, words);
  }
  assert.equal(sent.length, 0);
});

test('progress has bytes and speed; the saved image is chosen', async () => {
  const { send, sent } = standInSender();
  const chosen: UploadedImage[] = [];
  let clock = 0;
  const store = createUploadStore(send, async (saved) => chosen.push(saved), () => clock);
  const started = store.getState().start(image('fedora.raw.xz', 4000));
  assert.equal(store.getState().status, 'uploading');
  clock = 1000;
  sent[0]!.progress(2000);
  assert.deepEqual(store.getState().progress, { bytes: 2000, totalBytes: 4000, speed: 2000, etaSeconds: 1 });
  assert.equal(await store.getState().start(image('second.raw')), false, 'one upload at a time');
  sent[0]!.finish({ path: '/srv/images/fedora.raw.xz', name: 'fedora.raw.xz', size: 4000 });
  assert.equal(await started, true);
  assert.equal(store.getState().status, 'done');
  assert.deepEqual(chosen.map((c) => c.path), ['/srv/images/fedora.raw.xz']);
});

test('Cancel aborts the request; a refusal shows the station’s words', async () => {
  const { send, sent } = standInSender();
  const store = createUploadStore(send, async () => true);
  const cancelled = store.getState().start(image('a.raw'));
  store.getState().cancel();
  assert.equal(await cancelled, false);
  assert.equal(sent[0]!.cancelled, true);
  assert.equal(store.getState().status, 'cancelled');
  const refused = store.getState().start(image('b.raw'));
  sent[1]!.finish(new Error('The station’s disk has 1 GB free; “b.raw” needs 4 GB.'));
  assert.equal(await refused, false);
  assert.deepEqual([store.getState().status, store.getState().error], ['failed', 'The station’s disk has 1 GB free; “b.raw” needs 4 GB.']);
});

test('the desktop app has no uploads', async () => {
  const store = createUploadStore(null, async () => true);
  assert.equal(store.getState().available, false);
  assert.equal(await store.getState().start(image('a.raw')), false);
});
