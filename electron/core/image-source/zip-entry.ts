/**
 * The disk image inside a .zip: the first entry named like an image (.raw, .img, .iso), else the
 * first file. yauzl reads the central directory, so a cut-short zip fails here, before writing.
 */
import yauzl from 'yauzl';
import type { Readable } from 'node:stream';
import { FiotError } from '../../../shared/errors';

export interface ZipImageEntry {
  name: string;
  uncompressedSize: number;
  crc32: number;
}

const imageName = /\.(raw|img|iso|bin)$/i;

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (error, zip) => {
      if (error || !zip) reject(new FiotError('SOURCE_CORRUPT', `${file} is not a readable zip archive (${error?.message ?? 'no archive'}).`));
      else resolve(zip);
    });
  });
}

function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (error: Error) => reject(new FiotError('SOURCE_CORRUPT', `The zip archive is damaged: ${error.message}`)));
    zip.readEntry();
  });
}

async function pickEntry(zip: yauzl.ZipFile, file: string): Promise<yauzl.Entry> {
  const files = (await listEntries(zip)).filter((entry) => !entry.fileName.endsWith('/'));
  const entry = files.find((e) => imageName.test(e.fileName)) ?? files[0];
  if (!entry) throw new FiotError('SOURCE_UNKNOWN_FORMAT', `${file} is an empty zip archive.`);
  return entry;
}

export async function findZipImage(file: string): Promise<ZipImageEntry> {
  const zip = await openZip(file);
  try {
    const entry = await pickEntry(zip, file);
    return { name: entry.fileName, uncompressedSize: entry.uncompressedSize, crc32: entry.crc32 };
  } finally {
    zip.close();
  }
}

/** The entry's decompressed bytes; yauzl itself fails when the byte count differs from the directory. */
export async function openZipImageStream(file: string): Promise<{ stream: Readable; entry: ZipImageEntry; close(): void }> {
  const zip = await openZip(file);
  try {
    const entry = await pickEntry(zip, file);
    const stream = await new Promise<Readable>((resolve, reject) => {
      zip.openReadStream(entry, (error, readable) => {
        if (error || !readable) reject(new FiotError('SOURCE_CORRUPT', `Cannot read ${entry.fileName} in ${file}: ${error?.message ?? 'no data'}`));
        else resolve(readable);
      });
    });
    return { stream, entry: { name: entry.fileName, uncompressedSize: entry.uncompressedSize, crc32: entry.crc32 }, close: () => zip.close() };
  } catch (error) {
    zip.close();
    throw error;
  }
}
