/** How a cached image was checked, in words a first-time user can trust (or be warned by). */
import type { ImageVerification } from '../../../../shared/domain/images';
import { verificationLevel, verificationWords } from '../../../../shared/domain/verification-words';

export function VerificationBadge({ verification }: { verification: ImageVerification }) {
  const level = verificationLevel(verification);
  const good = level === 'signed' || level === 'checksum';
  return (
    <span className={`badge ${good ? 'badge-ok' : 'badge-danger'}`} title={`sha256 ${verification.sha256}`} data-testid={`badge-${level}`}>
      {verificationWords(verification)}
    </span>
  );
}
