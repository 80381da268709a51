/**
 * A catalog image that is already in an images folder (copied from another machine, or downloaded
 * by hand): the same file name as the catalog's, so offline the person can use it instead of a
 * download that cannot happen. It is checked before it is used, as a download would be: Fedora's
 * CHECKSUM file beside it, clear-signed by a trusted key, when it is there (it must list the file;
 * a signature that does not hold stops the copy: integrity fails closed), and the catalog's sha256.
 * The answer says which of the two vouched for it; a refusal's words follow "Not used:".
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FolderCopyCheck } from '../../../shared/api/source';
import { FiotError } from '../../../shared/errors';
import { sha256ByFile } from '../catalog/releases/checksum-file';
import { checksumUrlFor, fileNameOf } from './verify/checksum-file';
import { sha256File } from './verify/sha256';
import { verifyClearSigned } from './verify/signature';
import type { TrustedKeys } from './verify/trusted-keys';

export interface FolderCopyRequest {
  /** The copy's path, already admitted as a file the client may name. */
  file: string;
  /** The catalog entry's download address: its file name must be the copy's. */
  url: string;
  /** The catalog entry's sha256, when it gives one. */
  sha256?: string;
  trusted(): Promise<TrustedKeys>;
  signal?: AbortSignal;
}

interface Expected {
  sha256: string;
  from: string;
}

/** Fedora's signed CHECKSUM file for the image, when one lies in the same folder: the sha256 it lists. */
async function signedListing(request: FolderCopyRequest, name: string): Promise<(Expected & { checksumFile: string; signer: string }) | null> {
  const checksumUrl = checksumUrlFor(request.url);
  if (!checksumUrl) return null;
  const checksumFile = fileNameOf(checksumUrl);
  const text = await fs.readFile(path.join(path.dirname(request.file), checksumFile), 'utf8').catch(() => null);
  if (text === null) return null;
  const signed = await verifyClearSigned(text, await request.trusted());
  const listed = sha256ByFile(signed.text).get(name);
  if (!listed) throw new FiotError('CHECKSUM_UNLISTED', `${checksumFile}, beside ${name} in your images folder, does not list ${name}.`);
  return { sha256: listed, from: `Fedora’s signed CHECKSUM file (${checksumFile})`, checksumFile, signer: signed.signer };
}

export async function checkFolderCopy(request: FolderCopyRequest): Promise<FolderCopyCheck> {
  const name = path.basename(request.file);
  const wanted = fileNameOf(request.url);
  if (name !== wanted) throw new FiotError('INVALID_INPUT', `${name} is not the catalog’s ${wanted}: only a file of the same name is taken for it.`);
  const signed = await signedListing(request, name);
  const catalog = request.sha256?.toLowerCase();
  const expected: Expected[] = [...(signed ? [signed] : []), ...(catalog ? [{ sha256: catalog, from: 'the catalog' }] : [])];
  if (expected.length === 0) {
    throw new FiotError('SHA256_MISSING', `Nothing says what ${name} should hold: the catalog gives no sha256 for it and no signed CHECKSUM file is beside it.`, 'Put Fedora’s CHECKSUM file for this release beside it in the images folder, or download the image when this computer is online.');
  }
  const sha256 = await sha256File(request.file, request.signal);
  for (const { sha256: want, from } of expected) {
    if (want !== sha256) {
      throw new FiotError('CHECKSUM_MISMATCH', `${name} in your images folder is not the image the catalog names: its sha256 is ${sha256}, but ${from} says ${want}.`, 'The copy is damaged or another build of the same name: replace it with Fedora’s file, or download the image when this computer is online.');
    }
  }
  return signed ? { sha256, checkedBy: 'signed-checksum', checksumFile: signed.checksumFile, signer: signed.signer } : { sha256, checkedBy: 'catalog-sha256' };
}
