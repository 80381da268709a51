/**
 * The writer process: the only code that opens a card for writing. It reads one job as a JSON
 * line on stdin, reports progress and one result as JSON lines on stdout, and exits. It stops
 * (cancelling the job) when asked to, on SIGTERM/SIGINT, and when its parent goes away (stdin
 * closes), so an orphaned writer never keeps writing a card nobody is watching.
 */
import { createInterface } from 'node:readline';
import { FiotError, toErrorInfo } from '../../shared/errors';
import { loadInjector } from './injector';
import { parentMessageSchema, type WriterMessage } from '../../shared/writer-protocol';
import { runProvision } from './provision-card';
import { runRestore } from './restore';
import { runJob } from './run-job';
import { DownloadFeed } from '../core/image-source';

const abort = new AbortController();
/** A job written while its image downloads hears of the download here; a failed download stops it. */
const download = new DownloadFeed();
download.onFailure = () => abort.abort();
let started = false;

function send(message: WriterMessage): void {
  process.stdout.write(JSON.stringify(message) + '\n');
}

function fail(error: FiotError): never {
  send({ type: 'result', ok: false, imageSize: 0, writtenBytes: 0, decoder: 'none', error: error.toInfo(), targets: [], maxRssBytes: 0 });
  process.exit(1);
}

/** A one-card task's single answer: its result, or the error it stopped with. */
function answer<T extends 'restored' | 'provisioned'>(type: T, task: Promise<Extract<WriterMessage, { type: T }>['result']>): Promise<WriterMessage> {
  return task.then(
    (result) => ({ type, ok: true, result }) as WriterMessage,
    (error: unknown) => ({ type, ok: false, error: error instanceof FiotError ? error.toInfo() : toErrorInfo(error) }) as WriterMessage,
  );
}

async function start(line: string): Promise<void> {
  let parsed;
  try {
    parsed = parentMessageSchema.parse(JSON.parse(line));
  } catch (error) {
    fail(new FiotError('INTERNAL', `The writer received a malformed message: ${toErrorInfo(error).message}`));
  }
  if (parsed.type === 'cancel') {
    abort.abort();
    return;
  }
  if (parsed.type === 'download' || parsed.type === 'download-verified' || parsed.type === 'download-failed') {
    download.update(parsed);
    return;
  }
  if (started) fail(new FiotError('INTERNAL', 'The writer runs one job, and already has one.'));
  started = true;
  // Only the installed launcher (assets/linux/fiot-writer), which pkexec runs, passes this.
  const elevated = process.argv.includes('--elevated');
  if (parsed.type === 'restore') {
    send(await answer('restored', runRestore(parsed.restore, elevated)));
  } else if (parsed.type === 'provision') {
    send(await answer('provisioned', runProvision(parsed.provision, await loadInjector(), elevated)));
  } else {
    send(await runJob(parsed.job, { emit: send, signal: abort.signal, inject: await loadInjector(), elevated, download }));
  }
  // Let stdout drain before leaving: the result is the one line that must arrive.
  process.stdout.end(() => process.exit(0));
}

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => abort.abort());
// A bug must still end in a failed result the parent can show, never in a silent exit.
const crash = (error: unknown) => fail(new FiotError('INTERNAL', `The writer failed: ${toErrorInfo(error).message}`));
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);
// A parent that died cannot read us: stop writing rather than fail on every progress line.
process.stdout.on('error', () => abort.abort());

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim()) void start(line);
});
lines.on('close', () => {
  abort.abort();
  if (!started) process.exit(1);
});
