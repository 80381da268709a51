/**
 * What will be written, twice: one plain sentence first, then ignition/config.ign for the first
 * card (each file it writes as readable text, then the JSON itself), with its secrets (password
 * hash, Wi-Fi passphrase) masked on screen. With a device table, the config shown is the chosen
 * row's (the next unused one by default), so a field tech sees what card 7 gets before writing.
 */
import { useMemo } from 'react';
import { BootEntryPreview } from './boot-entry-preview';
import { WhatIsThis } from '../../components/what-is-this';
import { maskIgnitionSecrets, tableRowTitle, tableRowWords } from '../../../../shared/provisioning';
import { FieldErrors, useFieldProblems } from './field';
import { correctingWords, useFieldsToCorrect } from './fields-to-correct';
import { readableFiles } from './ignition-files';
import { profileSummary } from './profile-summary';
import { fleetStore, useFleet, useMedium, useProfile } from '../../stores';
import { useShownRow, useTableFacts, type ShownRow } from '../fleet';

/**
 * Each file the config writes, decoded to the text that will be in it (secrets already masked);
 * a long file scrolls, so it takes the keyboard's focus as the JSON does.
 */
function FilesAsText({ maskedConfig }: { maskedConfig: string }) {
  const files = readableFiles(maskedConfig);
  if (!files.length) return null;
  return (
    <div className="preview-files" data-testid="ignition-files">
      <h3 className="preview-subtitle">Files it writes</h3>
      {files.map((file) => (
        <div key={file.path} className="preview-file" data-testid="ignition-file" data-path={file.path}>
          <p className="mono small">{file.path}{file.mode && <span className="muted"> (permissions {file.mode})</span>}</p>
          {file.text !== null ? <pre className="preview-json" tabIndex={0} aria-label={`${file.path}, as written`}>{file.text || '(empty)'}</pre> : <p className="muted small">Fetched from <code>{file.source}</code> on first boot.</p>}
        </div>
      ))}
      <h3 className="preview-subtitle">The config itself (JSON, files encoded as Ignition needs)</h3>
    </div>
  );
}

function PlainSummary() {
  const form = useProfile((s) => s.form);
  const firstHostname = useProfile((s) => s.preview?.hostnames[0]);
  const table = useTableFacts();
  return <p className="plain-summary" data-testid="profile-summary">{profileSummary(form, { firstHostname, table })}</p>;
}

/** Which device of the table the config below is for: a short list, by row and hostname. */
function RowPicker({ row }: { row: ShownRow }) {
  const devices = useFleet((s) => s.tableDevices);
  const rowsUsed = useFleet((s) => s.rowsUsed);
  const used = useMemo(() => new Set(rowsUsed ?? []), [rowsUsed]);
  return (
    <label className="preview-row-picker inline-label small">
      Show the config of
      <select value={row.index} onChange={(e) => fleetStore.getState().showRow(Number(e.target.value))} data-testid="preview-row">
        {devices.map((device, i) => (
          <option key={device.line} value={i}>{tableRowTitle(device)}{device.values.hostname ? `: ${device.values.hostname}` : ''}{used.has(device.row) ? ' (written)' : ''}</option>
        ))}
      </select>
      <span className="muted">of {row.count} in {row.tableName}</span>
    </label>
  );
}

/** The config on screen: the chosen table row's, else the form's from the core's preview. */
function useShownConfig(row: ShownRow | null) {
  const preview = useProfile((s) => s.preview);
  const previewFrom = useProfile((s) => s.previewFrom);
  const medium = useMedium();
  if (!row) {
    const kernelArguments = preview?.mode === 'config' ? preview.kernelArguments : undefined;
    return { mode: preview?.mode, configText: preview?.configText ?? null, url: preview?.url ?? null, kernelArguments, whose: `the ${medium.one} numbered ${previewFrom}` };
  }
  const plan = row.plan;
  const hostname = plan?.mode === 'config' && plan.hostname ? `: ${plan.hostname}` : '';
  return {
    mode: plan?.mode,
    configText: plan?.mode === 'config' ? plan.configText : null,
    url: plan && plan.mode !== 'config' ? plan.url : null,
    kernelArguments: plan?.mode === 'config' ? plan.kernelArguments : undefined,
    whose: `the ${medium.one} of ${tableRowWords(row, row.tableName)}${hostname}${row.used ? ' (written already)' : ''}`,
  };
}

export function IgnitionPreview() {
  const previewing = useProfile((s) => s.previewing);
  const row = useShownRow();
  const shown = useShownConfig(row);
  const general = useFieldProblems('profile');
  const toCorrect = useFieldsToCorrect();
  const problemCount = toCorrect.length;
  const masked = shown.configText ? maskIgnitionSecrets(shown.configText) : '';
  return (
    <section className="ignition-preview" aria-labelledby="preview-title" aria-busy={previewing}>
      <h2 id="preview-title" className="preview-title">What will be written <WhatIsThis term="ignition" /></h2>
      <PlainSummary />
      <FieldErrors messages={general} field="profile" />
      {problemCount > 0 && <p className="drive-warning" data-testid="profile-problems">{correctingWords(toCorrect)} before writing.</p>}
      {row && problemCount === 0 && <RowPicker row={row} />}
      {row && problemCount === 0 && !row.plan && <p className="drive-warning" data-testid="preview-row-problems">{row.problems.map((p) => p.message).join(' ')}</p>}
      {shown.mode === 'config' && masked && (
        <details className="preview-details">
          <summary>ignition/config.ign for {shown.whose} (Ignition spec 3.3.0; secrets shown as ********)</summary>
          <FilesAsText maskedConfig={masked} />
          <pre className="preview-json" data-testid="ignition-preview" tabIndex={0} aria-label="Ignition config, secrets masked">{masked}</pre>
        </details>
      )}
      {shown.mode === 'config' && <BootEntryPreview args={shown.kernelArguments} />}
      {shown.mode === 'url' && shown.url && <p data-testid="ignition-preview">No config is written: on its first boot the card fetches it from <code>{shown.url}</code>.</p>}
      {shown.mode === 'zezere' && shown.url && <p data-testid="ignition-preview">No config is written: the card asks <code>{shown.url}</code> until you claim it there.</p>}
    </section>
  );
}
