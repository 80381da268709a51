/**
 * The provisioning step, between the image and the drives: optional first-boot setup through
 * Ignition. The step is ready when provisioning is off, or on with nothing left to correct.
 */
import { ErrorNotice } from '../../components/error-notice';
import { AdvancedFields } from './advanced-fields';
import { BasicsFields } from './basics-fields';
import { IgnitionPreview } from './ignition-preview';
import { SavedProfiles } from './saved-profiles';
import { profileStore, useProfile } from '../../stores';
import './provisioning.css';

/** One empty list, so a selector returns the same value while there is no preview (zustand compares by identity). */
const NO_NAMES: string[] = [];

export function useProvisioningReady(): boolean {
  return useProfile((s) => !s.enabled || (!s.previewing && s.preview !== null && s.preview.problems.length === 0 && s.preview.mode !== null));
}

export function ProvisioningSummary() {
  const enabled = useProfile((s) => s.enabled);
  const hostnames = useProfile((s) => s.preview?.hostnames ?? NO_NAMES);
  const mode = useProfile((s) => s.preview?.mode);
  if (!enabled) return <>No first-boot setup</>;
  if (mode === 'url') return <>Config from a URL</>;
  if (mode === 'zezere') return <>Zezere server</>;
  return <>{hostnames[0] ? `Cards named ${hostnames[0]}${hostnames.length > 1 ? ', …' : ''}` : 'First-boot setup'}</>;
}

export function ProvisioningStep() {
  const enabled = useProfile((s) => s.enabled);
  const error = useProfile((s) => s.error);
  return (
    <div className="provisioning stack" data-testid="provisioning-step">
      <label className="checkbox-label toggle">
        <input type="checkbox" checked={enabled} onChange={(e) => profileStore.getState().setEnabled(e.target.checked)} data-testid="provisioning-enabled" />
        Set up the cards on their first boot (hostname, user, SSH keys, Wi-Fi)
      </label>
      {error && <ErrorNotice error={error} testId="profile-error" />}
      {enabled && (
        <div className="provisioning-grid">
          <div className="stack">
            <SavedProfiles />
            <BasicsFields />
            <AdvancedFields />
          </div>
          <IgnitionPreview />
        </div>
      )}
    </div>
  );
}
