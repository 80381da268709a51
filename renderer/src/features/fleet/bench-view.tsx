/**
 * The card bench: one switch, "Write every card I insert", and a big tile per card reader slot
 * (device, hostname, phase, percent) readable from a metre away. The core does the writing. While
 * it is on, this page shows what it was switched on with (image, names, device table; fixed until
 * it is switched off), not the form's: changing them means switching it off and on again.
 * (In the code and the contract one such run is a bench session.)
 */
import { useEffect, useState } from 'react';
import type { BenchSession, BenchSlot, BenchStatus } from '../../../../shared/api/bench';
import { imageLabel } from '../../../../shared/domain/history';
import { oldDataWords } from '../../../../shared/domain/old-data';
import { errorCatalog, isErrorCode } from '../../../../shared/errors';
import { formatSize } from '../../../../shared/format-size';
import { ErrorNotice } from '../../components/error-notice';
import { percent } from '../../format';
import { benchStore, checkinStore, fleetStore, imageStore, profileStore, useBench, useFleet, useImage, useProfile } from '../../stores';
import { CameUpBadge, CheckinSettings } from '../checkin';
import { targetStateWords } from '../write/progress-view';
import { OnCardSetting } from './on-card-setting';
import { glossary } from '../../../../shared/glossary';
import { useTableFacts } from './table-rows';
import { tableWords } from '../provisioning/profile-summary';

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
      <p>Erase {cardName(slot)} and write it with the card bench?</p>
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
      {/* Only the exception is worth a line on a tile read from a metre away. */}
      {slot.state === 'done' && slot.oldData && !slot.oldData.discarded && <p className="bench-note" data-testid="bench-old-data">{oldDataWords(slot.oldData)}</p>}
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
  const devices = useTableFacts();
  const firstHostname = useProfile((s) => s.preview?.hostnames[0] ?? '');
  if (!enabled) return <p data-testid="bench-values">No first-boot setup: every card gets the image as it ships.</p>;
  return (
    <p data-testid="bench-values">
      {devices?.hostnames.length ? `${tableWords(devices, firstHostname)}, in the order the cards go in` : table ? `Rows of ${table.name}, in order` : pattern ? `Hostnames ${pattern}, ${start === null ? 'continuing the numbering' : 'starting'} at ${start ?? next}` : 'The first-boot settings'}.
    </p>
  );
}

/** The running bench's own values: what it was switched on with, whatever the form says now. */
function SessionValues({ session }: { session: BenchSession }) {
  const values = session.table ? `rows of ${session.table.name ?? 'the device table'}, in order` : session.hostname ? `hostnames ${session.hostname}, continuing the numbering` : 'the values it was switched on with';
  return (
    <p data-testid="bench-values">
      The card bench writes <strong>{imageLabel(session.source)}</strong> with {values}. To change them, switch it off, then on again.
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

/** Why a session cannot start yet, naming the one thing to do (not "choose an image" when one is chosen). */
function startBlocker(state: { image: boolean; tableOk: boolean; profileReady: boolean }): string {
  if (!state.image) return 'Choose an image first.';
  if (!state.tableOk) return 'The device table needs correcting first: its problems are listed under it in the First boot step.';
  return 'Finish the First boot step first: a setting there needs correcting.';
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
      <p className="panel-lead" data-testid="bench-lead">{glossary.cardBench.line} Each card is written with the image and first-boot settings chosen in the steps, and verified. Cards already in a reader when you switch it on are left alone until you take them out and put them back in. A card is written once while the bench is on: put back in, a card it wrote is left alone (switch the bench off and on again to write it again). Cards inserted meanwhile are the bench’s own: they cannot be written by hand. System and fixed drives are never written.</p>
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
      {!canStart && !status.active && <p className="drive-warning" data-testid="bench-blocker">{startBlocker({ image: Boolean(source && imageName), tableOk, profileReady })}</p>}
      {error && <ErrorNotice error={error} testId="bench-error" />}
      {session?.stopped && <ErrorNotice error={{ ...session.stopped, message: `The card bench stopped before the next card. ${session.stopped.message}` }} testId="bench-stopped" />}
      {session && (status.active || session.written + session.failed > 0) && <p className="muted bench-count" role="status" data-testid="bench-count">{sessionProgress(status)}</p>}
      {presentCardsWords(status) && <p className="drive-warning" data-testid="bench-present">{presentCardsWords(status)}</p>}
      <ul className="bench-slots" aria-label="Card reader slots">
        {status.slots.map((slot) => <SlotTile key={slot.device} slot={slot} canRetry={status.active} />)}
      </ul>
      <OnCardSetting />
    </div>
  );
}

/** On every view while the card bench is on: that it is, and how far it got; a click opens it. */
export function BenchBadge({ onOpen }: { onOpen(): void }) {
  const status = useBench((s) => s.status);
  const session = status.session;
  const writing = status.slots.some((s) => s.state === 'pending' || s.state === 'writing' || s.state === 'verifying' || s.state === 'provisioning');
  if (!session || (!status.active && !writing && !session.stopped)) return null;
  const words = session.stopped ? 'Card bench stopped: see why' : `Card bench: ${session.table ? `${session.table.used} of ${session.table.rows} done` : `${session.written} written`}${status.active ? '' : ', switching off'}`;
  return (
    <button type="button" className={`bench-badge${session.stopped ? ' bench-badge-stopped' : ''}`} onClick={onOpen} data-testid="bench-badge">
      {words}
    </button>
  );
}
