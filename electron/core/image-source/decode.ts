/**
 * The decompressed bytes of a source, from the fastest correct decoder available: the system's
 * xz/zstd/bzip2 when on PATH (findings.md: `xz -dc` decodes ~3x faster than lzma-native, and it
 * runs on another core than the writer), else Node libraries. Every decoder's failure (exit status,
 * stream error, zip CRC) rejects `finished` with SOURCE_CORRUPT; the caller also compares the byte
 * count with the size it expected, so a truncated archive can never pass as a short image.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { PassThrough, pipeline, Transform, type Readable, type Writable } from 'node:stream';
import { createGunzip, crc32 } from 'node:zlib';
import { FiotError } from '../../../shared/errors';
import type { SourceInfo } from './inspect';
import { findTool } from '../system-tools';
import { openZipImageStream } from './zip-entry';

export interface DecodedSource {
  stream: Readable;
  /** Resolves when the decoder finished cleanly; rejects with SOURCE_CORRUPT when it did not. */
  finished: Promise<void>;
  /** Which decoder runs, for logs and the benchmark. */
  decoder: string;
  /** Stops decoding (cancel); `finished` then resolves. */
  close(): void;
}

const READ_CHUNK = 1 << 20;

const systemTools: Partial<Record<SourceInfo['format'], string[]>> = {
  // -T0: xz 5.4 decodes multi-block files on several threads; single-block files are unaffected.
  xz: ['xz', '-dc', '-T0'],
  zstd: ['zstd', '-dc', '--no-progress'],
  bzip2: ['bzip2', '-dc'],
};

function corrupt(source: SourceInfo, why: string): FiotError {
  return new FiotError('SOURCE_CORRUPT', `${source.path} could not be decompressed: ${why}`);
}

/**
 * The tool decoding the file at `source.path`, or `input` piped to its stdin (a download still
 * arriving). A failure of `input` is the cause the decoder reports: the tool only sees its input end.
 */
function spawnDecoder(source: SourceInfo, executable: string, args: string[], input?: Readable): DecodedSource {
  const child = spawn(executable, input ? args : [...args, '--', source.path], { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
  let stderr = '';
  let closing = false;
  let inputError: Error | null = null;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (stderr.length < 4096) stderr += text;
  });
  if (input && child.stdin) {
    child.stdin.on('error', () => undefined);
    input.on('error', (error: Error) => {
      inputError = error;
      child.kill('SIGTERM');
      child.stdout.destroy(error);
    });
    input.pipe(child.stdin);
  }
  const finished = new Promise<void>((resolve, reject) => {
    child.on('error', (error) => reject(corrupt(source, `${executable} could not run (${error.message})`)));
    child.on('close', (code, signal) => {
      if (inputError) reject(inputError instanceof FiotError ? inputError : corrupt(source, inputError.message));
      else if (code === 0 || closing) resolve();
      else reject(corrupt(source, stderr.trim().split('\n').pop() || `${executable} stopped (${signal ?? `exit ${code}`})`));
    });
  });
  // Awaited only after the stream is read; until then a failure must not count as unhandled.
  finished.catch(() => undefined);
  return {
    stream: child.stdout,
    finished,
    decoder: `${executable} ${args.join(' ')}`,
    close() {
      closing = true;
      input?.destroy();
      child.kill('SIGTERM');
      child.stdout.destroy();
    },
  };
}

/** Runs `input` through Node transforms; a stream error becomes SOURCE_CORRUPT on `finished`. */
function nodeDecoder(source: SourceInfo, decoder: string, input: Readable, ...transforms: NodeJS.ReadWriteStream[]): DecodedSource {
  let closing = false;
  // The first error of any stage is the cause; pipeline may report a later "premature close".
  let firstError: Error | null = null;
  for (const stage of [input, ...transforms]) stage.on('error', (error: Error) => (firstError ??= error));
  let settle: (error: Error | null | undefined) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    // lzma-native can report a cut-short input just after its stream ended: look one turn later.
    settle = (error) =>
      setImmediate(() => {
        const cause = firstError ?? error;
        if (cause && !closing) reject(corrupt(source, cause.message));
        else resolve();
      });
  });
  finished.catch(() => undefined);
  // pipeline's typings want a fixed arity; the chain is input -> transforms..., all streams.
  const last = (pipeline as unknown as (...args: unknown[]) => NodeJS.ReadableStream)(input, ...transforms, settle);
  const stream = last as Readable;
  return decodedSource(decoder, input, stream, finished, () => {
    closing = true;
  });
}

/** Closing stops reading the input and drops what was decoded; `markClosing` keeps that from counting as corruption. */
function decodedSource(decoder: string, input: Readable, stream: Readable, finished: Promise<void>, markClosing: () => void): DecodedSource {
  return {
    stream,
    finished,
    decoder,
    close() {
      markClosing();
      input.destroy();
      stream.destroy();
    },
  };
}

/**
 * For an old-style (through) stream, which stream.pipeline reports as closed early: piped by hand,
 * its errors and end observed directly.
 */
function classicDecoder(source: SourceInfo, decoder: string, input: Readable, transform: NodeJS.ReadWriteStream): DecodedSource {
  let closing = false;
  const finished = new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => (closing ? resolve() : reject(corrupt(source, error.message)));
    input.on('error', failed);
    transform.on('error', failed);
    transform.on('end', () => resolve());
  });
  finished.catch(() => undefined);
  // Not Readable.wrap: it ends the wrapper on the through stream's 'close', before its last data is read.
  const stream = new PassThrough({ highWaterMark: READ_CHUNK });
  transform.on('error', (error) => stream.destroy(error));
  input.pipe(transform);
  transform.pipe(stream);
  return decodedSource(decoder, input, stream, finished, () => {
    closing = true;
  });
}

/** A pass-through that checks the zip entry's CRC-32 at its end. */
function crcCheck(expected: number): Transform {
  let crc = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done) {
      done(crc >>> 0 === expected >>> 0 ? null : new Error('the image inside the zip fails its CRC-32 check'));
    },
  });
}

/** Why this machine cannot decode the source, or null: checked before writing starts. */
export function decoderProblem(source: SourceInfo): FiotError | null {
  if (source.format !== 'zstd' || findTool('zstd')) return null;
  return new FiotError('PREFLIGHT_FAILED', 'Decompressing .zst images needs the zstd program, which is not installed.', 'Install zstd (apt-get install zstd, dnf install zstd), then try again.');
}

export async function openDecodedStream(source: SourceInfo, options: { preferNode?: boolean } = {}): Promise<DecodedSource> {
  const fileStream = () => createReadStream(source.path, { highWaterMark: READ_CHUNK });
  const tool = options.preferNode ? undefined : systemTools[source.format];
  const executable = tool?.[0] ? findTool(tool[0]) : null;
  if (tool && executable) return spawnDecoder(source, executable, tool.slice(1));
  switch (source.format) {
    case 'raw':
      return nodeDecoder(source, 'file', fileStream());
    case 'gzip':
      return nodeDecoder(source, 'zlib gunzip', fileStream(), createGunzip({ chunkSize: 256 * 1024 }));
    case 'xz': {
      const lzma = await import('lzma-native');
      return nodeDecoder(source, 'lzma-native', fileStream(), lzma.createDecompressor({ synchronous: true }));
    }
    case 'bzip2': {
      const { default: unbzip2 } = await import('unbzip2-stream');
      return classicDecoder(source, 'unbzip2-stream', fileStream(), unbzip2());
    }
    case 'zip': {
      const zip = await openZipImageStream(source.path);
      const decoded = nodeDecoder(source, 'yauzl', zip.stream, crcCheck(zip.entry.crc32));
      decoded.finished.finally(() => zip.close()).catch(() => undefined);
      return decoded;
    }
    case 'zstd':
      throw decoderProblem(source) ?? new FiotError('INTERNAL', 'zstd is on PATH but was not used.');
  }
}

/**
 * The decompressed bytes of `input`, a file still arriving (a download written while it
 * downloads): xz through the system's tool on its stdin, a raw image as it is. A failure of
 * `input` (the download failed, the job was cancelled) rejects `finished` with that cause.
 */
export function openDecodedPipe(source: SourceInfo, input: Readable): DecodedSource {
  const executable = source.format === 'xz' ? findTool('xz') : null;
  if (executable) return spawnDecoder(source, executable, ['-dc', '-T0'], input);
  if (source.format !== 'raw') throw new FiotError('INTERNAL', `A ${source.format} image cannot be written while it downloads.`);
  let closing = false;
  const finished = new Promise<void>((resolve, reject) => {
    input.on('end', resolve);
    input.on('error', (error: Error) => (closing ? resolve() : reject(error)));
  });
  finished.catch(() => undefined);
  return decodedSource('download', input, input, finished, () => {
    closing = true;
  });
}
