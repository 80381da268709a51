/** How a cached image was checked, in words a first-time user can trust (or be warned by). */
import type { ImageVerification } from '../../../../shared/domain/images';

export function VerificationBadge({ verification }: { verification: ImageVerification }) {
  if (verification.checksum === 'signed') {
    return (
      <span className="badge badge-ok" title={`Signed by ${verification.signature?.signer ?? 'a trusted key'}; sha256 ${verification.sha256}`} data-testid="badge-signed">
        Verified by Fedora’s signature
      </span>
    );
  }
  if (verification.checksum === 'sha256') {
    return <span className="badge badge-ok" title={`sha256 ${verification.sha256}`} data-testid="badge-checksum">Checksum verified</span>;
  }
  return <span className="badge badge-danger" title="No checksum was given or published for this file" data-testid="badge-unverified">Not verified</span>;
}
