/**
 * Decides whether a downloaded file is the image it claims to be: its sha256 against the one the
 * catalog or the user gave, and against Fedora's signed CHECKSUM file when there is one. Any
 * disagreement stops with CHECKSUM_MISMATCH; a CHECKSUM file whose signature fails stops with
 * SIGNATURE_INVALID. The caller keeps the file out of the cache unless this returns.
 */
import { FiotError } from '../../../../shared/errors';
import type { ImageVerification } from '../../../../shared/domain/images';
import { sha256ByFile } from '../../catalog/releases/checksum-file';
import { sha256File } from './sha256';
import { verifyClearSigned } from './signature';
import type { TrustedKeys } from './trusted-keys';

export interface VerifyInput {
  file: string;
  /** The file's published name, as the CHECKSUM file lists it. */
  name: string;
  expectedSha256?: string;
  /** Where expectedSha256 came from. */
  expectedFrom?: 'catalog' | 'user';
  /** The CHECKSUM file's text (clear-signed), when one was found. */
  checksumText?: string | null;
  trusted: TrustedKeys;
  signal?: AbortSignal;
}

export async function verifyImage(input: VerifyInput): Promise<ImageVerification> {
  const notes: string[] = [];
  const expected: { sha256: string; from: string }[] = [];
  let signature: ImageVerification['signature'] = null;
  if (input.expectedSha256) expected.push({ sha256: input.expectedSha256.toLowerCase(), from: input.expectedFrom === 'catalog' ? 'the catalog' : 'the --sha256 given' });
  if (input.checksumText) {
    let listed: string;
    if (input.trusted.keys.length > 0) {
      const signed = await verifyClearSigned(input.checksumText, input.trusted);
      signature = { signedBy: signed.signedBy, signer: signed.signer };
      listed = signed.text;
    } else {
      notes.push('No trusted signing keys are installed: the CHECKSUM file’s signature was not checked.');
      listed = input.checksumText;
    }
    const fromFile = sha256ByFile(listed).get(input.name);
    if (fromFile) expected.push({ sha256: fromFile, from: signature ? 'Fedora’s signed CHECKSUM file' : 'the CHECKSUM file' });
    else notes.push(`The CHECKSUM file does not list ${input.name}.`);
  }
  const sha256 = await sha256File(input.file, input.signal);
  for (const { sha256: want, from } of expected) {
    if (want !== sha256) {
      throw new FiotError('CHECKSUM_MISMATCH', `${input.name} has sha256 ${sha256}, but ${from} says ${want}. The file was not kept.`);
    }
  }
  const checkedAgainstSigned = signature !== null && expected.some((e) => e.from.includes('signed'));
  return {
    sha256,
    checksum: expected.length === 0 ? 'none' : checkedAgainstSigned ? 'signed' : 'sha256',
    signature: checkedAgainstSigned ? signature : null,
    notes,
  };
}
