/**
 * The provisioning step, between the image and the drives: optional first-boot setup through
 * Ignition. The step is ready when provisioning is off, or on with nothing left to correct.
 */
import { useMemo } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { AdvancedFields } from './advanced-fields';
import { BasicsFields } from './basics-fields';
import { controlOf, fieldLabel, goToControl, type FormField } from './field-focus';
import { correctingWords, useFieldsToCorrect } from './fields-to-correct';
import { IgnitionPreview } from './ignition-preview';
import { fieldOf } from './profile-form';
import { hasLogin, type TableFacts } from './profile-summary';
import { RegionFields } from './region-fields';
import { SavedProfiles } from './saved-profiles';
import { SeriesTableControls, useTableFacts } from '../fleet';
import { SkipRestLink } from '../../shell/skip-links';
import { profileStore, uiStore, useFleet, useMedium, useProfile } from '../../stores';
import type { StepBlocker } from '../../shell/step-blocker';
import { headingWord } from '../../../../shared/domain/medium-words';
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
  tableLost: { reason: 'Import the device table again (it was not brought back after the page reloaded), or remove it.', action: { label: 'Go to the device table', run: () => goToControl('table-file') } },
} satisfies Record<string, StepBlocker>;

const askPassphraseAgain: StepBlocker = {
  reason: 'Type the Wi-Fi passphrase again: it is not kept between visits.',
  action: { label: 'Go to Passphrase', run: () => goToControl('profile-wifiPsk') },
};

export function useProvisioningBlocker(): StepBlocker | null {
  // A table that cannot be used holds the step as a wrong field does: no ✓, no Continue.
  const tableProblems = useFleet((s) => s.tableProblems.length);
  const enabled = useProfile((s) => s.enabled);
  const tableWrong = enabled && tableProblems > 0;
  const tableLost = useFleet((s) => enabled && s.tableLost !== null);
  const fields = useFieldsToCorrect();
  const passphraseDropped = useProfile((s) => s.enabled && s.pskNotKept && !s.form.wifiPsk && Boolean(s.preview?.problems.some((p) => fieldOf(p) === 'wifiPsk')));
  const state = useProfile((s): keyof typeof provisioningBlockers | 'problems' | 'ready' => {
    if (!s.enabled) return 'ready';
    // The password alone waits for its twin (said in its own words); with other fields wrong, all are named.
    if (s.passwordPending && !s.preview?.problems.length) return s.passwordPending;
    if (s.previewing || s.preview === null) return 'checking';
    if (s.preview.problems.length > 0 || s.passwordPending) return 'problems';
    return s.preview.mode === null ? 'empty' : 'ready';
  });
  const problems = useMemo((): StepBlocker | null => fields.length > 0 ? ({
    reason: `${correctingWords(fields)}: the reason is shown under ${fields.length === 1 ? 'it' : 'each'}.`,
    action: fields[0] === 'passwordHash' ? goToPasswordAgain : goTo(fields[0]!),
  }) : null, [fields]);
  if (tableLost) return provisioningBlockers.tableLost;
  if (tableWrong) return provisioningBlockers.table;
  if (state === 'problems' && fields.length === 0 && passphraseDropped) return askPassphraseAgain;
  if (state === 'problems') return problems ?? provisioningBlockers.checking;
  return state === 'ready' ? null : provisioningBlockers[state];
}

/**
 * Continue stays open without a login (a card may be meant for a console), but the step gets no ✓
 * and the footer says what is missing: Fedora IoT has no default user.
 */
export function useProvisioningNote(): string | null {
  return useProfile((s) => (s.enabled && !hasLogin(s.enabled, s.form) ? 'No way to log in yet: add a password or an SSH key (Fedora IoT has no default user).' : null));
}

/** "12 devices from sites.csv", or once cards were written "9 of 12 left in sites.csv". */
function tableNavWords(table: TableFacts): string {
  const count = table.hostnames.length;
  if (table.lost) return `Import ${table.name} again`;
  if (count === 0) return 'Device table to correct';
  const used = table.rowsUsed?.length ?? 0;
  return used ? `${count - used} of ${count} left in ${table.name}` : `${count} device${count === 1 ? '' : 's'} from ${table.name}`;
}

export function ProvisioningSummary() {
  const enabled = useProfile((s) => s.enabled);
  const hostnames = useProfile((s) => s.preview?.hostnames ?? NO_NAMES);
  const mode = useProfile((s) => s.preview?.mode);
  const table = useTableFacts();
  const medium = useMedium();
  if (!enabled) return <>No first-boot setup</>;
  if (mode === 'url') return <>Config from a URL</>;
  if (mode === 'zezere') return <>Zezere server</>;
  if (table) return <>{tableNavWords(table)}</>;
  if (!hostnames[0]) return <>First-boot setup</>;
  // One name for every card (no {n} in it) is a hostname, not a series: no "…" after it.
  return <>{new Set(hostnames).size > 1 ? `${headingWord(medium.many)} named ${hostnames[0]}, …` : `Hostname ${hostnames[0]}`}</>;
}

export function ProvisioningStep() {
  const enabled = useProfile((s) => s.enabled);
  const error = useProfile((s) => s.error);
  const mode = useProfile((s) => s.form.mode);
  const medium = useMedium();
  return (
    <div className="provisioning stack" data-testid="provisioning-step">
      <label className="checkbox-label toggle" data-step-start={enabled ? undefined : true}>
        <input type="checkbox" checked={enabled} onChange={(e) => profileStore.getState().setEnabled(e.target.checked)} data-testid="provisioning-enabled" />
        Set up the {medium.many} on their first boot (hostname, user, SSH keys, Wi-Fi)
      </label>
      {error && <ErrorNotice error={error} testId="profile-error" />}
      {enabled && (
        <div className="provisioning-grid" data-step-start>
          <div className="stack">
            {/* The fields first, so the keyboard reaches Hostname first; saved profiles are a shortcut. */}
            <BasicsFields />
            <SkipRestLink what="the optional settings below" />
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
