/**
 * What will be written, twice: one plain sentence first, then ignition/config.ign for the first
 * card (each file it writes as readable text, then the JSON itself), with its secrets (password
 * hash, Wi-Fi passphrase) masked on screen.
 */
import { BootEntryPreview } from './boot-entry-preview';
import { maskIgnitionSecrets } from '../../../../shared/provisioning';
import { FieldErrors, useFieldProblems } from './field';
import { readableFiles } from './ignition-files';
import { profileSummary } from './profile-summary';
import { useProfile } from '../../stores';

/** Each file the config writes, decoded to the text that will be in it (secrets already masked). */
function FilesAsText({ maskedConfig }: { maskedConfig: string }) {
  const files = readableFiles(maskedConfig);
  if (!files.length) return null;
  return (
    <div className="preview-files" data-testid="ignition-files">
      <h3 className="preview-subtitle">Files it writes</h3>
      {files.map((file) => (
        <div key={file.path} className="preview-file" data-testid="ignition-file" data-path={file.path}>
          <p className="mono small">{file.path}{file.mode && <span className="muted"> (permissions {file.mode})</span>}</p>
          {file.text !== null ? <pre className="preview-json">{file.text || '(empty)'}</pre> : <p className="muted small">Fetched from <code>{file.source}</code> on first boot.</p>}
        </div>
      ))}
      <h3 className="preview-subtitle">The config itself (JSON, files encoded as Ignition needs)</h3>
    </div>
  );
}

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
  const masked = preview?.configText ? maskIgnitionSecrets(preview.configText) : '';
  return (
    <section className="ignition-preview" aria-labelledby="preview-title" aria-busy={previewing}>
      <h2 id="preview-title" className="preview-title">What will be written</h2>
      <PlainSummary />
      <FieldErrors messages={general} field="profile" />
      {problemCount > 0 && <p className="drive-warning" data-testid="profile-problems">{problemCount === 1 ? 'One field needs' : `${problemCount} fields need`} correcting before writing.</p>}
      {preview?.mode === 'config' && masked && (
        <details className="preview-details">
          <summary>ignition/config.ign on the card numbered {previewFrom} (Ignition spec 3.3.0; secrets shown as ********)</summary>
          <FilesAsText maskedConfig={masked} />
          <pre className="preview-json" data-testid="ignition-preview" tabIndex={0} aria-label="Ignition config, secrets masked">{masked}</pre>
        </details>
      )}
      <BootEntryPreview />
      {preview?.mode === 'url' && preview.url && <p data-testid="ignition-preview">No config is written: on its first boot the card fetches it from <code>{preview.url}</code>.</p>}
      {preview?.mode === 'zezere' && preview.url && <p data-testid="ignition-preview">No config is written: the card asks <code>{preview.url}</code> until you claim it there.</p>}
    </section>
  );
}
