/**
 * Checks an OpenPGP clear-signed text (Fedora's CHECKSUM files) against trusted keys and returns
 * only the signed text, so nothing outside the signature can slip into the checksums.
 */
import { readCleartextMessage, verify } from 'openpgp';
import { FiotError } from '../../../../shared/errors';
import { signerName } from './fedora-keys';
import type { TrustedKeys } from './trusted-keys';

export interface SignedText {
  text: string;
  /** Fingerprint of the trusted key that made the signature. */
  signedBy: string;
  /** "Fedora 44" for a shipped key, else the key's first user id. */
  signer: string;
}

export async function verifyClearSigned(armored: string, trusted: TrustedKeys, what = 'CHECKSUM file'): Promise<SignedText> {
  if (trusted.keys.length === 0) {
    throw new FiotError('SIGNATURE_INVALID', `No trusted signing keys are installed, so the ${what} cannot be checked.`, 'Reinstall the app (it ships Fedora’s keys in assets/keys/), or add your own to the keys folder of the settings directory.');
  }
  let message;
  try {
    message = await readCleartextMessage({ cleartextMessage: armored });
  } catch {
    throw new FiotError('SIGNATURE_INVALID', `The ${what} is not an OpenPGP signed text.`);
  }
  try {
    const result = await verify({ message, verificationKeys: trusted.keys, expectSigned: true });
    // expectSigned makes verify throw unless a signature from one of the keys checks out.
    const good = result.signatures[0]!;
    await good.verified;
    const keyId = good.keyID.toHex();
    const key = trusted.keys.find((k) => k.getKeys(good.keyID).length > 0);
    const userId = key ? ((await key.getPrimaryUser().catch(() => null))?.user.userID?.userID ?? keyId) : keyId;
    const signedBy = (key?.getFingerprint() ?? keyId).toUpperCase();
    return { text: result.data, signedBy, signer: signerName(signedBy, userId) };
  } catch (error) {
    throw new FiotError('SIGNATURE_INVALID', `The ${what}’s signature does not check out against the trusted keys (${(error as Error).message}).`);
  }
}
