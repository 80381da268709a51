/** The live preview: exactly the bytes that will be written as ignition/config.ign for the first card. */
import { FieldErrors, useFieldProblems } from './field';
import { useProfile } from '../../stores';

export function IgnitionPreview() {
  const preview = useProfile((s) => s.preview);
  const previewing = useProfile((s) => s.previewing);
  const previewFrom = useProfile((s) => s.previewFrom);
  const general = useFieldProblems('profile');
  const problemCount = preview?.problems.length ?? 0;
  return (
    <section className="ignition-preview" aria-labelledby="preview-title" aria-busy={previewing}>
      <h2 id="preview-title" className="preview-title">What will be written</h2>
      <FieldErrors messages={general} field="profile" />
      {problemCount > 0 && <p className="drive-warning" data-testid="profile-problems">{problemCount === 1 ? 'One field needs' : `${problemCount} fields need`} correcting before writing.</p>}
      {preview?.mode === 'config' && preview.configText && (
        <>
          <p className="muted small">ignition/config.ign on the card numbered {previewFrom} (Ignition spec 3.3.0):</p>
          <pre className="preview-json" data-testid="ignition-preview">{preview.configText}</pre>
        </>
      )}
      {preview?.mode === 'url' && preview.url && <p data-testid="ignition-preview">No config is written: on its first boot the card fetches it from <code>{preview.url}</code>.</p>}
      {preview?.mode === 'zezere' && preview.url && <p data-testid="ignition-preview">No config is written: the card asks <code>{preview.url}</code> until you claim it there.</p>}
    </section>
  );
}
