/**
 * What a download must match, decided before a byte of the image is fetched. A Fedora image (one
 * whose CHECKSUM file has a known address) needs that file, clear-signed by a trusted key, listing
 * it; anything less is refused unless the user explicitly skips the signature check, and then the
 * skip is recorded. A catalog entry with no sha256 of its own needs one from that file.
 */
import { FiotError } from '../../../../shared/errors';
import type { ImageVerification } from '../../../../shared/domain/images';
import { sha256ByFile } from '../../catalog/releases/checksum-file';
import { verifyClearSigned } from './signature';
import type { TrustedKeys } from './trusted-keys';

export interface ExpectedSha256 {
  sha256: string;
  /** Where it came from, as a message names it: "Fedora’s signed CHECKSUM file". */
  from: string;
}

export interface Expectations {
  expected: ExpectedSha256[];
  signature: ImageVerification['signature'];
  signatureSkipped: boolean;
  notes: string[];
}

export interface PolicyInput {
  /** The image's published name, as the CHECKSUM file lists it. */
  name: string;
  /** The sha256 the user or the catalog gave. */
  given?: ExpectedSha256;
  /** True for a catalog reference: it must end up with a sha256 from somewhere. */
  fromCatalog: boolean;
  /** Null when the image has no known CHECKSUM file (not a Fedora image). */
  checksumUrl: string | null;
  /** The CHECKSUM file's text, null when it could not be fetched. */
  checksumText: string | null;
  trusted: TrustedKeys;
  insecureSkipSignature: boolean;
}

const SKIP_NOTE = 'The signature check was skipped at your request: nothing proves this image is the one Fedora published.';

export async function checksumExpectations(input: PolicyInput): Promise<Expectations> {
  const result: Expectations = { expected: input.given ? [input.given] : [], signature: null, signatureSkipped: false, notes: [] };
  if (input.checksumUrl) await applyChecksumFile(input, input.checksumUrl, result);
  if (input.fromCatalog && result.expected.length === 0) {
    throw new FiotError('SHA256_MISSING', `The catalog entry for ${input.name} has no sha256, and no signed CHECKSUM file supplies one, so it was not downloaded.`);
  }
  return result;
}

async function applyChecksumFile(input: PolicyInput, checksumUrl: string, result: Expectations): Promise<void> {
  const listing = await signedListing(input, checksumUrl, result);
  if (listing === null) return;
  const listed = sha256ByFile(listing).get(input.name);
  if (listed) {
    result.expected.push({ sha256: listed, from: result.signature ? 'Fedora’s signed CHECKSUM file' : 'the unsigned CHECKSUM file' });
    return;
  }
  const problem = `The CHECKSUM file ${checksumUrl} does not list ${input.name}.`;
  if (!input.insecureSkipSignature) throw new FiotError('CHECKSUM_UNLISTED', `${problem} Nothing was downloaded.`);
  // A signature over a file that does not name this image vouches for nothing about it.
  result.signature = null;
  skip(result, problem);
}

/** The CHECKSUM text to read sha256 lines from: the signed part, or (skipping) whatever was there. */
async function signedListing(input: PolicyInput, checksumUrl: string, result: Expectations): Promise<string | null> {
  if (input.checksumText === null) {
    const problem = `Fedora’s CHECKSUM file for ${input.name} could not be fetched from ${checksumUrl}.`;
    if (!input.insecureSkipSignature) throw new FiotError('SIGNATURE_MISSING', `${problem} Nothing was downloaded.`);
    skip(result, problem);
    return null;
  }
  try {
    const signed = await verifyClearSigned(input.checksumText, input.trusted);
    result.signature = { signedBy: signed.signedBy, signer: signed.signer };
    return signed.text;
  } catch (error) {
    if (!input.insecureSkipSignature) throw error;
    skip(result, (error as Error).message);
    return input.checksumText;
  }
}

function skip(result: Expectations, problem: string): void {
  result.signatureSkipped = true;
  result.notes.push(problem, SKIP_NOTE);
}
