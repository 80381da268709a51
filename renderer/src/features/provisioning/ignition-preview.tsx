/**
 * What will be written, twice: one plain sentence first, then the bytes of ignition/config.ign
 * for the first card, with its secrets (password hash, Wi-Fi passphrase) masked on screen.
 */
import { BootEntryPreview } from './boot-entry-preview';
import { maskIgnitionSecrets } from '../../../../shared/provisioning';
import { FieldErrors, useFieldProblems } from './field';
import { profileSummary } from './profile-summary';
import { useProfile } from '../../stores';

function PlainSummary() {
  const form = useProfile((s) => s.form);
  const firstHostname = useProfile((s) => s.preview?.hostnames[0]);
  return <p className="plain-summary" data-testid="profile-summary">{profileSummary(form, firstHostname)}</p>;
}

export function IgnitionPreview() {
  const preview = useProfile((s) => s.preview);
  const previewing = useProfile((s) => s.previewing);
  const previewFrom = useProfile((s) => s.previewFrom);
  const general = useFieldProblems('profile');
  const problemCount = preview?.problems.length ?? 0;
  return (
    <section className="ignition-preview" aria-labelledby="preview-title" aria-busy={previewing}>
      <h2 id="preview-title" className="preview-title">What will be written</h2>
      <PlainSummary />
      <FieldErrors messages={general} field="profile" />
      {problemCount > 0 && <p className="drive-warning" data-testid="profile-problems">{problemCount === 1 ? 'One field needs' : `${problemCount} fields need`} correcting before writing.</p>}
      {preview?.mode === 'config' && preview.configText && (
        <details className="preview-details">
          <summary>ignition/config.ign on the card numbered {previewFrom} (Ignition spec 3.3.0; secrets shown as ********)</summary>
          <pre className="preview-json" data-testid="ignition-preview" tabIndex={0} aria-label="Ignition config, secrets masked">{maskIgnitionSecrets(preview.configText)}</pre>
        </details>
      )}
      <BootEntryPreview />
      {preview?.mode === 'url' && preview.url && <p data-testid="ignition-preview">No config is written: on its first boot the card fetches it from <code>{preview.url}</code>.</p>}
      {preview?.mode === 'zezere' && preview.url && <p data-testid="ignition-preview">No config is written: the card asks <code>{preview.url}</code> until you claim it there.</p>}
    </section>
  );
}
