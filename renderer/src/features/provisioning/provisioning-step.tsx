/**
 * The provisioning step, between the image and the drives: optional first-boot setup through
 * Ignition. The step is ready when provisioning is off, or on with nothing left to correct.
 */
import { useMemo } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { AdvancedFields } from './advanced-fields';
import { BasicsFields } from './basics-fields';
import { controlOf, fieldLabel, goToControl, type FormField } from './field-focus';
import { IgnitionPreview } from './ignition-preview';
import { fieldOf } from './profile-form';
import { RegionFields } from './region-fields';
import { SavedProfiles } from './saved-profiles';
import { SeriesTableControls, useTableFacts } from '../fleet';
import { profileStore, uiStore, useFleet, useMedium, useProfile } from '../../stores';
import type { StepBlocker } from '../../shell/step-blocker';
import './provisioning.css';

/** One empty list, so a selector returns the same value while there is no preview (zustand compares by identity). */
const NO_NAMES: string[] = [];

/**
 * With nothing filled in, the way past is to leave first-boot setup off. With a setting to mend,
 * the way past is that field: turning setup off would drop everything typed for one typo.
 */
const turnOff = {
  label: 'Write without first-boot setup',
  run: () => {
    profileStore.getState().setEnabled(false);
    uiStore.getState().goTo('drives');
  },
};

const goTo = (field: FormField): StepBlocker['action'] => ({ label: `Go to ${fieldLabel(field)}`, run: () => goToControl(controlOf(field)) });
const goToPasswordAgain: StepBlocker['action'] = { label: 'Go to Type it again', run: () => goToControl('profile-password-again') };

const provisioningBlockers = {
  checking: { reason: 'Checking the first-boot settings…' },
  empty: { reason: 'Fill in at least one setting, or write without first-boot setup.', action: turnOff },
  unconfirmed: { reason: 'Type the password again to set it (or empty the password field).', action: goToPasswordAgain },
  mismatch: { reason: 'The two passwords typed differ: type the same one in both.', action: goToPasswordAgain },
  table: { reason: 'The device table needs correcting (its problems are listed under it).' },
} satisfies Record<string, StepBlocker>;

/** The first field with a problem, in the order the core lists them, or null. */
function useFirstProblemField(): FormField | null {
  return useProfile((s) => (s.enabled && s.preview?.problems[0] ? fieldOf(s.preview.problems[0]) : null));
}

export function useProvisioningBlocker(): StepBlocker | null {
  // A table that cannot be used holds the step as a wrong field does: no ✓, no Continue.
  const tableProblems = useFleet((s) => s.tableProblems.length);
  const enabled = useProfile((s) => s.enabled);
  const tableWrong = enabled && tableProblems > 0;
  const problemField = useFirstProblemField();
  const state = useProfile((s): keyof typeof provisioningBlockers | 'problems' | 'ready' => {
    if (!s.enabled) return 'ready';
    if (s.passwordPending) return s.passwordPending;
    if (s.previewing || s.preview === null) return 'checking';
    if (s.preview.problems.length > 0) return 'problems';
    return s.preview.mode === null ? 'empty' : 'ready';
  });
  const problems = useMemo(() => problemField && ({
    reason: `${fieldLabel(problemField)} needs correcting: the reason is shown under it.`,
    action: goTo(problemField),
  }), [problemField]);
  if (tableWrong) return provisioningBlockers.table;
  if (state === 'problems') return problems ?? provisioningBlockers.checking;
  return state === 'ready' ? null : provisioningBlockers[state];
}

export function ProvisioningSummary() {
  const enabled = useProfile((s) => s.enabled);
  const hostnames = useProfile((s) => s.preview?.hostnames ?? NO_NAMES);
  const mode = useProfile((s) => s.preview?.mode);
  const table = useTableFacts();
  if (!enabled) return <>No first-boot setup</>;
  if (mode === 'url') return <>Config from a URL</>;
  if (mode === 'zezere') return <>Zezere server</>;
  if (table) return <>{table.hostnames.length ? `${table.hostnames.length} device${table.hostnames.length === 1 ? '' : 's'} from ${table.name}` : 'Device table to correct'}</>;
  return <>{hostnames[0] ? `Cards named ${hostnames[0]}${hostnames.length > 1 ? ', …' : ''}` : 'First-boot setup'}</>;
}

export function ProvisioningStep() {
  const enabled = useProfile((s) => s.enabled);
  const error = useProfile((s) => s.error);
  const mode = useProfile((s) => s.form.mode);
  const medium = useMedium();
  return (
    <div className="provisioning stack" data-testid="provisioning-step">
      <label className="checkbox-label toggle">
        <input type="checkbox" checked={enabled} onChange={(e) => profileStore.getState().setEnabled(e.target.checked)} data-testid="provisioning-enabled" />
        Set up the {medium.many} on their first boot (hostname, user, SSH keys, Wi-Fi)
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
