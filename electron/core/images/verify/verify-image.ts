/**
 * Decides whether a downloaded file is the image it claims to be: its sha256 against every sha256
 * the checksum policy (checksum-policy.ts) collected before the download. Any disagreement stops
 * with CHECKSUM_MISMATCH; the caller keeps the file out of the cache unless this returns.
 */
import { FiotError } from '../../../../shared/errors';
import type { ImageVerification } from '../../../../shared/domain/images';
import type { Expectations } from './checksum-policy';
import { sha256File } from './sha256';

export async function verifyImage(file: string, name: string, expectations: Expectations, signal?: AbortSignal): Promise<ImageVerification> {
  const sha256 = await sha256File(file, signal);
  for (const { sha256: want, from } of expectations.expected) {
    if (want !== sha256) {
      throw new FiotError('CHECKSUM_MISMATCH', `${name} has sha256 ${sha256}, but ${from} says ${want}. The file was not kept.`);
    }
  }
  const { expected, signature, signatureSkipped, notes } = expectations;
  return {
    sha256,
    checksum: expected.length === 0 ? 'none' : signature ? 'signed' : 'sha256',
    signature,
    signatureSkipped,
    notes,
  };
}
