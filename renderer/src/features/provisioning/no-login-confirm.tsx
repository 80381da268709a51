/**
 * Fedora IoT has no default user: a card written without a password or an SSH key boots to a
 * login nobody can pass. Before erasing, the write dialog asks for an explicit "yes, I know", and
 * offers the way back to add a login: met this late, the person should not have to find the step.
 */
import { profileStore, useMedium, useProfile } from '../../stores';
import { goToControl } from './field-focus';
import { hasLogin } from './profile-summary';

export function useNoLogin(): boolean {
  return useProfile((s) => !hasLogin(s.enabled, s.form));
}

/** Turns first-boot setup on and puts the keyboard where a login is added: the user name, or the password once a user is named. */
function addLogin(): void {
  const { enabled, form, setEnabled } = profileStore.getState();
  if (!enabled) setEnabled(true);
  goToControl(form.userName.trim() ? 'profile-password' : 'profile-userName');
}

interface NoLoginConfirmProps {
  accepted: boolean;
  onChange(accepted: boolean): void;
  /** Closes the dialog that shows this warning, before the First boot step opens. */
  onLeave(): void;
}

export function NoLoginConfirm({ accepted, onChange, onLeave }: NoLoginConfirmProps) {
  const enabled = useProfile((s) => s.enabled);
  const medium = useMedium();
  return (
    <div className="no-login-warning stack" data-testid="no-login-warning">
      <p>
        <strong>These {medium.many} will have no way to log in.</strong>{' '}
        {enabled ? 'First boot sets no password and no SSH key.' : 'First-boot setup is off.'} Fedora IoT has no default user.
      </p>
      <p>
        <button type="button" className="button small" onClick={() => { onLeave(); addLogin(); }} data-testid="no-login-add">
          Add a login in First boot
        </button>
      </p>
      <label className="checkbox-label">
        <input type="checkbox" checked={accepted} onChange={(e) => onChange(e.target.checked)} data-testid="no-login-accept" />
        Write anyway, without a login
      </label>
    </div>
  );
}
