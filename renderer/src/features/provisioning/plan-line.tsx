/** The write step's line about first-boot setup: what each selected card will be called. */
import { hasCounter, previewHostnames } from '../../../../shared/provisioning';
import { useProfile } from '../../stores';

export function ProvisioningPlanLine({ cards }: { cards: number }) {
  const enabled = useProfile((s) => s.enabled);
  const form = useProfile((s) => s.form);
  const previewFrom = useProfile((s) => s.previewFrom);
  if (!enabled) return null;
  let words: string;
  if (form.mode === 'url') words = `config fetched from ${form.ignitionUrl}`;
  else if (form.mode === 'zezere') words = `Zezere server ${form.zezereUrl}`;
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
