/**
 * Fedora IoT has no default user: a card written without a password or an SSH key boots to a
 * login nobody can pass. Before erasing, the write dialog asks for an explicit "yes, I know".
 */
import { useMedium, useProfile } from '../../stores';
import { hasLogin } from './profile-summary';

export function useNoLogin(): boolean {
  return useProfile((s) => !hasLogin(s.enabled, s.form));
}

export function NoLoginConfirm({ accepted, onChange }: { accepted: boolean; onChange(accepted: boolean): void }) {
  const enabled = useProfile((s) => s.enabled);
  const medium = useMedium();
  return (
    <div className="no-login-warning stack" data-testid="no-login-warning">
      <p>
        <strong>These {medium.many} will have no way to log in.</strong>{' '}
        {enabled ? 'First boot sets no password and no SSH key.' : 'First-boot setup is off.'} Fedora IoT has no default user: add one in the First boot step.
      </p>
      <label className="checkbox-label">
        <input type="checkbox" checked={accepted} onChange={(e) => onChange(e.target.checked)} data-testid="no-login-accept" />
        Write anyway, without a login
      </label>
    </div>
  );
}
