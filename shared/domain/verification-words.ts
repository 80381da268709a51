/**
 * How an image's verification is put into words, the same in the CLI and the app's badge. The
 * signature is named only when one was checked; a skipped check is said loudly, never softened.
 */
import type { ImageVerification } from './images';

export type VerificationLevel = 'signed' | 'checksum' | 'skipped' | 'unverified';

/** "36F6 12DC F27F …": a fingerprint in the groups of four people compare by eye. */
export function groupFingerprint(fingerprint: string): string {
  return fingerprint.toUpperCase().replace(/(.{4})(?=.)/g, '$1 ');
}

export function verificationLevel(v: ImageVerification): VerificationLevel {
  if (v.signatureSkipped) return 'skipped';
  if (v.checksum === 'signed' && v.signature) return 'signed';
  return v.checksum === 'sha256' ? 'checksum' : 'unverified';
}

/** One line: "Signature verified by Fedora 44 (36F6 12DC …)", or what was (not) checked instead. */
export function verificationWords(v: ImageVerification): string {
  switch (verificationLevel(v)) {
    case 'signed':
      return `Signature verified by ${v.signature!.signer} (${groupFingerprint(v.signature!.signedBy)})`;
    case 'skipped':
      return v.checksum === 'none' ? 'SIGNATURE NOT CHECKED (skipped at your request) and no checksum to compare' : 'SIGNATURE NOT CHECKED (skipped at your request); checksum matched';
    case 'checksum':
      return 'Checksum verified (no signature)';
    default:
      return 'Not verified: no checksum was given or published';
  }
}
