/**
 * The write step's line about first-boot setup: what each selected card will be called. With a
 * device table the rows name the cards (the batch summary below lists which card gets which), so
 * the form's hostname pattern is not shown as if it applied.
 */
import { hasCounter, previewHostnames } from '../../../../shared/provisioning';
import { useFleet, useProfile } from '../../stores';

export function ProvisioningPlanLine({ cards }: { cards: number }) {
  const enabled = useProfile((s) => s.enabled);
  const form = useProfile((s) => s.form);
  const previewFrom = useProfile((s) => s.previewFrom);
  const tableName = useFleet((s) => s.table?.name);
  if (!enabled) return null;
  let words: string;
  if (form.mode === 'url') words = `config fetched from ${form.ignitionUrl}`;
  else if (form.mode === 'zezere') words = `Zezere server ${form.zezereUrl}`;
  else if (tableName) words = `the next unused rows of ${tableName}, one per card (listed below)`;
  else if (form.hostname.trim()) {
    const names = previewHostnames(form.hostname.trim(), previewFrom, cards);
    words = hasCounter(form.hostname) || cards === 1 ? names.join(', ') : `${names[0]} (the same name on every card)`;
  } else words = 'set up from the first-boot settings';
  return (
    <div>
      <dt>First boot</dt>
      <dd data-testid="plan-provisioning">{words}{form.userName ? <span className="muted"> · user {form.userName}</span> : null}</dd>
    </div>
  );
}
