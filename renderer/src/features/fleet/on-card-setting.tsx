/**
 * "After each card, run": the on-card command (a label printer, an inventory system), with the
 * variables it gets. Editable in the desktop app only; a station's browser sees it read-only,
 * since the command runs on the station's machine.
 */
import { useEffect, useId } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { onCardStore, useOnCard } from '../../stores';

const VARIABLES = 'FIOT_DEVICE, FIOT_SERIAL, FIOT_HOSTNAME, FIOT_IP, FIOT_ROW, FIOT_LABEL, FIOT_RESULT (verified, ok, failed, cancelled), FIOT_ERROR, FIOT_JOB_ID';

export function OnCardSetting() {
  const { saved, draft, editable, loaded, busy, error } = useOnCard((s) => s);
  const id = useId();
  useEffect(() => void onCardStore.getState().load(), []);
  if (!loaded && !error) return null;
  return (
    <section className="stack on-card-setting" aria-labelledby={id} data-testid="on-card-setting">
      <h2 id={id}>After each card, run</h2>
      {editable ? (
        <>
          <div className="row">
            <input className="mono on-card-input" type="text" value={draft} placeholder={'e.g. lp -d labels -t "$FIOT_HOSTNAME" label.pdf'} aria-label="Command to run after each card" onChange={(e) => onCardStore.getState().setDraft(e.target.value)} data-testid="on-card-command" />
            <button type="button" className="button" disabled={busy || draft.trim() === (saved ?? '')} onClick={() => void onCardStore.getState().save()} data-testid="on-card-save">Save</button>
          </div>
          <p className="muted small">Runs through the shell after every card this app writes, failed ones too, with {VARIABLES} set. If it fails, the result says so.</p>
        </>
      ) : (
        <p className="muted small" data-testid="on-card-readonly">
          {saved ? <>After each card this station runs <code>{saved}</code>.</> : 'No command runs after each card.'} It can be changed only in the desktop app on the station’s machine.
        </p>
      )}
      {error && <ErrorNotice error={error} testId="on-card-error" />}
    </section>
  );
}
