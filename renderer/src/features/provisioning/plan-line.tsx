/**
 * The write step's line about first-boot setup, the last look before a card is erased: every
 * setting in the words of the First boot step's summary, with what each selected card will be
 * called. With a device table the rows name the cards (the batch summary below lists which card
 * gets which), so the form's hostname pattern is not shown as if it applied.
 */
import { hasCounter, previewHostnames } from '../../../../shared/provisioning';
import { useProfile } from '../../stores';
import { useTableFacts } from '../fleet';
import { profileSummary, type TableFacts } from './profile-summary';
import type { ProfileForm } from './profile-form';

/** What the selected cards will be called; undefined when the summary's own words say it (no hostname, a lost table). */
function namingWords(form: ProfileForm, previewFrom: number, cards: number, table: TableFacts | undefined): string | undefined {
  // A table lost in a reload is told by the summary itself ("once imported again").
  if (table) return table.lost ? undefined : `the next unused rows of ${table.name}, one per card (listed below)`;
  const pattern = form.hostname.trim();
  if (!pattern) return undefined;
  const names = previewHostnames(pattern, previewFrom, cards);
  if (hasCounter(pattern) || cards === 1) return `${names.length > 1 ? 'hostnames' : 'hostname'} ${names.join(', ')}`;
  return `hostname ${names[0]} (the same name on every card)`;
}

/** `checkin`: whether the devices will report when they come up (the switch below this line). */
export function ProvisioningPlanLine({ cards, checkin }: { cards: number; checkin: boolean }) {
  const enabled = useProfile((s) => s.enabled);
  const form = useProfile((s) => s.form);
  const previewFrom = useProfile((s) => s.previewFrom);
  const table = useTableFacts();
  if (!enabled) return null;
  return (
    <div>
      <dt>First boot</dt>
      <dd data-testid="plan-provisioning">{profileSummary(form, { naming: namingWords(form, previewFrom, cards, table), table, checkin })}</dd>
    </div>
  );
}
