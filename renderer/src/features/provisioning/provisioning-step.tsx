/**
 * The provisioning step, between the image and the drives: optional first-boot setup through
 * Ignition. The step is ready when provisioning is off, or on with nothing left to correct.
 */
import { ErrorNotice } from '../../components/error-notice';
import { AdvancedFields } from './advanced-fields';
import { BasicsFields } from './basics-fields';
import { IgnitionPreview } from './ignition-preview';
import { RegionFields } from './region-fields';
import { SavedProfiles } from './saved-profiles';
import { SeriesTableControls } from '../fleet';
import { profileStore, uiStore, useFleet, useProfile } from '../../stores';
import type { StepBlocker } from '../../shell/step-blocker';
import './provisioning.css';

/** One empty list, so a selector returns the same value while there is no preview (zustand compares by identity). */
const NO_NAMES: string[] = [];

/** The way past first-boot settings that cannot be used yet: write the cards as the image ships. */
const writeWithout = {
  label: 'Write without first-boot setup',
  run: () => {
    profileStore.getState().setEnabled(false);
    uiStore.getState().goTo('drives');
  },
};

const provisioningBlockers = {
  checking: { reason: 'Checking the first-boot settings…' },
  problems: { reason: 'A setting needs correcting (it says why beside it), or write without first-boot setup.', action: writeWithout },
  empty: { reason: 'Fill in at least one setting, or write without first-boot setup.', action: writeWithout },
  table: { reason: 'The device table needs correcting (its problems are listed under it).' },
} satisfies Record<string, StepBlocker>;

export function useProvisioningBlocker(): StepBlocker | null {
  // A table that cannot be used holds the step as a wrong field does: no ✓, no Continue.
  const tableProblems = useFleet((s) => s.tableProblems.length);
  const enabled = useProfile((s) => s.enabled);
  const tableWrong = enabled && tableProblems > 0;
  const state = useProfile((s): keyof typeof provisioningBlockers | 'ready' => {
    if (!s.enabled) return 'ready';
    if (s.previewing || s.preview === null) return 'checking';
    if (s.preview.problems.length > 0) return 'problems';
    return s.preview.mode === null ? 'empty' : 'ready';
  });
  if (tableWrong) return provisioningBlockers.table;
  return state === 'ready' ? null : provisioningBlockers[state];
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
  const mode = useProfile((s) => s.form.mode);
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
            {/* The fields first, so the keyboard reaches Hostname first; saved profiles are a shortcut. */}
            <BasicsFields />
            {mode === 'config' && <RegionFields />}
            <SeriesTableControls />
            <AdvancedFields />
            <SavedProfiles />
          </div>
          <IgnitionPreview />
        </div>
      )}
    </div>
  );
}
