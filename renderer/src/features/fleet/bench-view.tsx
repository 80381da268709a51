/**
 * Station mode: one switch, "Write every card I insert", and a big tile per card reader slot
 * (device, hostname, phase, percent) readable from a metre away. The core does the writing.
 */
import { useEffect } from 'react';
import type { BenchSlot } from '../../../../shared/api/bench';
import { ErrorNotice } from '../../components/error-notice';
import { percent } from '../../format';
import { benchStore, fleetStore, imageStore, profileStore, useBench, useFleet, useImage, useProfile } from '../../stores';
import { targetStateWords } from '../write/progress-view';

const slotWords: Record<BenchSlot['state'], string> = { ...targetStateWords, refused: 'Not written' };

function SlotTile({ slot }: { slot: BenchSlot }) {
  const pct = slot.state === 'done' ? 100 : percent(slot.phaseBytes, slot.totalBytes);
  return (
    <li className={`bench-slot target-${slot.state}`} data-testid="bench-slot" data-device={slot.device} data-state={slot.state}>
      <span className="bench-device mono">{slot.device}</span>
      {slot.hostname ? <strong className="bench-hostname">{slot.hostname}</strong> : <span className="bench-hostname bench-unnamed">{slot.state === 'pending' ? 'Next values…' : slot.description}</span>}
      <span className="bench-phase">{slotWords[slot.state]}</span>
      <span className="bench-percent" aria-label={`${pct ?? 0} percent`}>{pct === null ? '' : `${pct}%`}</span>
      <div className="progress-bar" role="progressbar" aria-label={`${slot.device} progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
        <div className="progress-fill" style={{ width: `${pct ?? 0}%` }} />
      </div>
      {slot.error && <p className="bench-error" data-code={slot.error.code}>{slot.error.message}</p>}
    </li>
  );
}

/** What each card gets, in one line, so a tech can check before switching on. */
function Values() {
  const enabled = useProfile((s) => s.enabled);
  const pattern = useProfile((s) => s.form.hostname);
  const next = useProfile((s) => s.previewFrom);
  const start = useProfile((s) => s.counterStart);
  const table = useFleet((s) => s.table);
  if (!enabled) return <p data-testid="bench-values">No first-boot setup: every card gets the image as it ships.</p>;
  return (
    <p data-testid="bench-values">
      {table ? `Rows of ${table.name}, in order` : pattern ? `Hostnames ${pattern}, ${start === null ? 'continuing the series' : 'starting'} at ${start ?? next}` : 'The first-boot profile'}.
    </p>
  );
}

export function BenchView() {
  const status = useBench((s) => s.status);
  const busy = useBench((s) => s.busy);
  const error = useBench((s) => s.error);
  const imageName = useImage((s) => s.info?.name);
  const source = useImage((s) => s.path);
  const profileReady = useProfile((s) => !s.enabled || (s.preview !== null && s.preview.problems.length === 0));
  const tableOk = useFleet((s) => s.tableProblems.length === 0);
  useEffect(() => void benchStore.getState().load(), []);

  const toggle = (on: boolean) => {
    if (!on) return void benchStore.getState().stop();
    const { table } = fleetStore.getState().flashFields();
    void benchStore.getState().start({ source: imageStore.getState().path, verify: true, ...profileStore.getState().flashFields(), ...(table ? { table } : {}) });
  };
  const canStart = Boolean(source && imageName) && profileReady && tableOk;
  const done = status.slots.filter((s) => s.state === 'done').length;

  return (
    <div className="stack bench" data-testid="bench-view">
      <p className="panel-lead">With an image and a profile chosen, every removable card put into a reader is written and verified, no click needed. A card is written once; pull it out and put it back to write it again. System and fixed drives are never written.</p>
      <p>Image: <strong>{imageName ?? 'none chosen'}</strong></p>
      <Values />
      <label className="checkbox-label toggle bench-switch">
        <input type="checkbox" role="switch" checked={status.active} disabled={busy || (!status.active && !canStart)} onChange={(e) => toggle(e.target.checked)} data-testid="bench-switch" />
        Write every card I insert
      </label>
      {!canStart && !status.active && <p className="drive-warning">Choose an image first (and finish the First boot step, if it is on).</p>}
      {error && <ErrorNotice error={error} testId="bench-error" />}
      {status.active && <p className="muted" role="status" data-testid="bench-count">{done} card{done === 1 ? '' : 's'} written and verified. Insert the next card.</p>}
      <ul className="bench-slots" aria-label="Card reader slots">
        {status.slots.map((slot) => <SlotTile key={slot.device} slot={slot} />)}
      </ul>
    </div>
  );
}
