/**
 * Station mode: one switch, "Write every card I insert", and a big tile per card reader slot
 * (device, hostname, phase, percent) readable from a metre away. The core does the writing. While
 * a session runs, this page shows the session's own image, names and table (fixed until it
 * ends), not the form's: changing them means ending the session and starting another.
 */
import { useEffect, useState } from 'react';
import type { BenchSession, BenchSlot, BenchStatus } from '../../../../shared/api/bench';
import { imageLabel } from '../../../../shared/domain/history';
import { errorCatalog, isErrorCode } from '../../../../shared/errors';
import { formatSize } from '../../../../shared/format-size';
import { ErrorNotice } from '../../components/error-notice';
import { percent } from '../../format';
import { benchStore, checkinStore, fleetStore, imageStore, profileStore, useBench, useFleet, useImage, useProfile } from '../../stores';
import { CameUpBadge, CheckinSettings } from '../checkin';
import { targetStateWords } from '../write/progress-view';
import { OnCardSetting } from './on-card-setting';

const slotWords: Record<BenchSlot['state'], string> = { ...targetStateWords, refused: 'Not written', waiting: 'Waiting for a free writer' };

function phaseWords(slot: BenchSlot): string {
  if (slot.state === 'waiting' && slot.waitingFor === 'rows') return 'No rows left';
  if (slot.state === 'refused' && slot.error?.code === 'ALREADY_WRITTEN') return 'Already written';
  if (slot.state === 'refused' && slot.error?.code === 'PRESENT_AT_START') return 'Already in the reader';
  return slotWords[slot.state];
}

/** The card as a person recognises it in the question: reader, what it is, its size. */
function cardName(slot: BenchSlot): string {
  return `${slot.description}${slot.size ? `, ${formatSize(slot.size)}` : ''} (${slot.device})`;
}

/**
 * "Write this one too" for a card that was in its reader before the session started: it asks
 * first, naming the card, because nobody confirmed erasing it when the session was switched on.
 */
function IncludeCard({ slot }: { slot: BenchSlot }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return <button type="button" className="button small bench-retry" onClick={() => setAsking(true)} data-testid="bench-include">Write this one too…</button>;
  }
  return (
    <div className="bench-include-confirm" role="group" aria-label="Confirm erasing this card" data-testid="bench-include-confirm">
      <p>Erase {cardName(slot)} and write it in this session?</p>
      <div className="row">
        <button type="button" className="button small danger" onClick={() => void benchStore.getState().include(slot.device, slot.identity)} data-testid="bench-include-yes">Erase and write it</button>
        <button type="button" className="button small" onClick={() => setAsking(false)}>Leave it alone</button>
      </div>
    </div>
  );
}

function SlotTile({ slot, canRetry }: { slot: BenchSlot; canRetry: boolean }) {
  const pct = slot.state === 'done' ? 100 : slot.state === 'waiting' ? null : percent(slot.phaseBytes, slot.totalBytes);
  const hint = slot.error && (slot.error.hint ?? (isErrorCode(slot.error.code) ? errorCatalog[slot.error.code].hint : undefined));
  return (
    <li className={`bench-slot target-${slot.state}${slot.error?.code === 'PRESENT_AT_START' ? ' bench-left-alone' : ''}`} data-testid="bench-slot" data-device={slot.device} data-state={slot.state} data-waiting-for={slot.waitingFor}>
      <span className="bench-device mono">{slot.device}{slot.card ? ` · card ${slot.card}` : ''}</span>
      {slot.hostname ? <strong className="bench-hostname">{slot.hostname}</strong> : <span className="bench-hostname bench-unnamed">{slot.state === 'pending' ? 'Next values…' : slot.description}</span>}
      <span className="bench-phase">{phaseWords(slot)}</span>
      <span className="bench-percent" aria-label={`${pct ?? 0} percent`}>{pct === null ? '' : `${pct}%`}</span>
      <div className="progress-bar" role="progressbar" aria-label={`${slot.device} progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
        <div className="progress-fill" style={{ width: `${pct ?? 0}%` }} />
      </div>
      {slot.state === 'done' && <CameUpBadge jobId={slot.jobId} device={slot.device} />}
      {slot.error && <p className="bench-error" data-code={slot.error.code}>{slot.error.message}{hint ? ` ${hint}` : ''}</p>}
      {canRetry && slot.state === 'refused' && slot.error?.code === 'PRESENT_AT_START' && <IncludeCard slot={slot} />}
      {canRetry && slot.state === 'failed' && (
        <button type="button" className="button small bench-retry" onClick={() => void benchStore.getState().retry(slot.device)} data-testid="bench-retry">
          Retry this card
        </button>
      )}
    </li>
  );
}

/** What each card gets, in one line, so a tech can check before switching on. */
function FormValues() {
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

/** The running session's own values: what it was started with, whatever the form says now. */
function SessionValues({ session }: { session: BenchSession }) {
  const values = session.table ? `rows of ${session.table.name ?? 'the device table'}, in order` : session.hostname ? `hostnames ${session.hostname}, continuing the series` : 'the values it was started with';
  return (
    <p data-testid="bench-values">
      This session writes <strong>{imageLabel(session.source)}</strong> with {values}. To change them, end the session and start a new one.
    </p>
  );
}

/** The cards the session leaves alone because they were in readers before it started, said once. */
export function presentCardsWords(status: BenchStatus): string | null {
  const count = status.slots.filter((slot) => slot.state === 'refused' && slot.error?.code === 'PRESENT_AT_START').length;
  if (!status.active || count === 0) return null;
  return count === 1
    ? '1 card is already in a reader: it will not be written. Take it out and put it back in to write it, or choose “Write this one too” on its tile.'
    : `${count} cards are already in readers: they will not be written. Take them out and put them back in to write them, or choose “Write this one too” on a card’s tile.`;
}

/** How far the session is: "5 of 12 done" for a table, else the cards written; what to do next. */
export function sessionProgress(status: BenchStatus): string {
  const session = status.session;
  if (!session) return '';
  const failed = session.failed ? `, ${session.failed} failed` : '';
  if (session.table) {
    const { used, rows } = session.table;
    const next = used >= rows ? ': the table is finished.' : status.active ? '. Insert the next card.' : '.';
    return `${used} of ${rows} done${failed}${next}`;
  }
  const written = `${session.written} card${session.written === 1 ? '' : 's'} written and verified${failed}`;
  return status.active ? `${written}. Insert the next card.` : `${written}.`;
}

export function BenchView() {
  const status = useBench((s) => s.status);
  const busy = useBench((s) => s.busy);
  const error = useBench((s) => s.error);
  const imageName = useImage((s) => s.info?.name);
  const source = useImage((s) => s.path);
  const profileReady = useProfile((s) => !s.enabled || (s.preview !== null && s.preview.problems.length === 0));
  const tableOk = useFleet((s) => s.tableProblems.length === 0);
  const provisioned = useProfile((s) => s.enabled);
  useEffect(() => void benchStore.getState().load(), []);

  const toggle = (on: boolean) => {
    if (!on) return void benchStore.getState().stop();
    const { table } = fleetStore.getState().flashFields();
    void benchStore.getState().start({ source: imageStore.getState().path, verify: true, ...profileStore.getState().flashFields(), ...(table ? { table } : {}), ...(profileStore.getState().enabled ? checkinStore.getState().flashFields(true) : {}) });
  };
  const canStart = Boolean(source && imageName) && profileReady && tableOk;
  const session = status.session;

  return (
    <div className="stack bench" data-testid="bench-view">
      <p className="panel-lead">With an image and a profile chosen, every removable card put into a reader after you switch this on is written and verified, no click needed. Cards already in a reader then are left alone until you take them out and put them back in. A session writes each card once: put back in, a card it wrote is left alone (end the session to write it again). System and fixed drives are never written. While the session runs, cards inserted are its own: they cannot be written by hand.</p>
      {status.active && session ? <SessionValues session={session} /> : (
        <>
          <p>Image: <strong>{imageName ?? 'none chosen'}</strong></p>
          <FormValues />
        </>
      )}
      {!status.active && provisioned && <CheckinSettings batch />}
      <label className="checkbox-label toggle bench-switch">
        <input type="checkbox" role="switch" checked={status.active} disabled={busy || (!status.active && !canStart)} onChange={(e) => toggle(e.target.checked)} data-testid="bench-switch" />
        Write every card I insert
      </label>
      {!canStart && !status.active && <p className="drive-warning">Choose an image first (and finish the First boot step, if it is on).</p>}
      {error && <ErrorNotice error={error} testId="bench-error" />}
      {session?.stopped && <ErrorNotice error={{ ...session.stopped, message: `The session stopped before the next card. ${session.stopped.message}` }} testId="bench-stopped" />}
      {session && (status.active || session.written + session.failed > 0) && <p className="muted bench-count" role="status" data-testid="bench-count">{sessionProgress(status)}</p>}
      {presentCardsWords(status) && <p className="drive-warning" data-testid="bench-present">{presentCardsWords(status)}</p>}
      <ul className="bench-slots" aria-label="Card reader slots">
        {status.slots.map((slot) => <SlotTile key={slot.device} slot={slot} canRetry={status.active} />)}
      </ul>
      <OnCardSetting />
    </div>
  );
}

/** On every view while a session runs: that it runs and how far it is; a click opens station mode. */
export function BenchBadge({ onOpen }: { onOpen(): void }) {
  const status = useBench((s) => s.status);
  const session = status.session;
  const writing = status.slots.some((s) => s.state === 'pending' || s.state === 'writing' || s.state === 'verifying' || s.state === 'provisioning');
  if (!session || (!status.active && !writing && !session.stopped)) return null;
  const words = session.stopped ? 'Bench session stopped: see why' : `Bench session: ${session.table ? `${session.table.used} of ${session.table.rows} done` : `${session.written} written`}${status.active ? '' : ', ending'}`;
  return (
    <button type="button" className={`bench-badge${session.stopped ? ' bench-badge-stopped' : ''}`} onClick={onOpen} data-testid="bench-badge">
      {words}
    </button>
  );
}
