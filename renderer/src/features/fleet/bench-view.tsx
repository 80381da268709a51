/**
 * The card bench: one switch, "Write every card I insert", and a big tile per card reader slot
 * (device, hostname, phase, percent) readable from a metre away. The core does the writing. While
 * it is on, this page shows what it was switched on with (image, names, device table; fixed until
 * it is switched off), not the form's: changing them means switching it off and on again.
 * (In the code and the contract one such run is a bench session.)
 */
import { flashSource } from '../image/image-store';
import { useEffect, useRef, useState } from 'react';
import type { BenchSession, BenchSlot, BenchStatus } from '../../../../shared/api/bench';
import { imageLabel } from '../../../../shared/domain/history';
import { oldDataWords } from '../../../../shared/domain/old-data';
import { errorCatalog, isErrorCode } from '../../../../shared/errors';
import { formatSize } from '../../../../shared/format-size';
import { ErrorNotice } from '../../components/error-notice';
import { cardStepWords } from '../../../../shared/domain/flash-figures';
import { benchStore, boardFlashFields, checkinStore, fleetStore, imageStore, profileStore, useBench, useFleet, useImage, useProfile } from '../../stores';
import { CameUpBadge, CheckinSettings } from '../checkin';
import { targetStateWords } from '../write/progress-view';
import { DownloadPipes } from '../write/download-pipes';
import type { MediumWords } from '../write/device-words';
import { OnCardSetting } from './on-card-setting';
import { glossary } from '../../../../shared/glossary';
import { retryCanHelp } from '../../../../shared/domain/failure-remedy';
import { useTableFacts } from './table-rows';
import { tableLostWords } from './fleet-store';
import { tableWords } from '../provisioning/profile-summary';

const slotWords: Record<BenchSlot['state'], string> = { ...targetStateWords, pending: 'Starting', refused: 'Not written', waiting: 'Waiting for a free writer' };

/** A bench writes cards (the station's readers), whatever board the image is for. */
const benchMedium: MediumWords = { one: 'card', many: 'cards' };

const moving: ReadonlySet<BenchSlot['state']> = new Set(['writing', 'verifying', 'provisioning']);

/** Whether the slot's card holds what the session writes: written now, or earlier in this session. */
function written(slot: BenchSlot): boolean {
  return slot.state === 'done' || slot.error?.code === 'ALREADY_WRITTEN';
}

/** "10:42", in the person's own clock. */
function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

function phaseWords(slot: BenchSlot): string {
  if (slot.removedAt) return written(slot) ? 'Taken out after it was written: fine' : `Taken out at ${clockTime(slot.removedAt)} — not written`;
  if (slot.state === 'waiting' && slot.waitingFor === 'rows') return 'No rows left';
  if (slot.state === 'refused' && slot.error?.code === 'ALREADY_WRITTEN') return 'Already written';
  if (slot.state === 'refused' && slot.error?.code === 'PRESENT_AT_START') return 'Already in the reader';
  // The end of a card's write, in what the tech does next rather than "Done".
  if (slot.state === 'done') return slot.verified ? 'Verified — safe to take out' : 'Written, not verified — safe to take out';
  // In its job, the card's step: waiting its turn for first-boot setup is first boot, not verifying.
  return slot.figure && moving.has(slot.state) ? cardStepWords[slot.figure.step] : slotWords[slot.state];
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

/**
 * A tile's button whose action takes the button away (Dismiss, Retry): the keyboard then goes to
 * the next tile's Dismiss, else to the list of slots, never back to the page's start.
 */
function keepFocus(action: Promise<void>, tile: HTMLElement | null): void {
  const list = tile?.closest<HTMLElement>('.bench-slots');
  // Looked at after the next paint, once the tile shows the new state.
  void action.then(() => requestAnimationFrame(() => {
    if (document.activeElement && document.activeElement !== document.body) return;
    const next = list?.querySelector<HTMLElement>('[data-testid="bench-dismiss"]');
    (next ?? list)?.focus();
  }));
}

/** `naming`: the session gives each card a name or row, shown once the card's write has taken it. */
function SlotTile({ slot, canRetry, naming }: { slot: BenchSlot; canRetry: boolean; naming: boolean }) {
  const removed = Boolean(slot.removedAt);
  // A card taken out has no progress left to show: its phase says how it went out.
  // The card's one figure over its whole write, as its job reports it; a stopped card's words say how it stopped.
  const pct = removed || !moving.has(slot.state) ? (slot.state === 'done' && !removed ? 100 : null) : (slot.figure?.percent ?? null);
  // "Take it out" is done: a card put back and taken out again needs no more words than "fine".
  const error = removed && slot.error?.code === 'ALREADY_WRITTEN' ? undefined : slot.error;
  const hint = error && (error.hint ?? (isErrorCode(error.code) ? errorCatalog[error.code].hint : undefined));
  const tile = useRef<HTMLLIElement>(null);
  return (
    <li ref={tile} className={`bench-slot target-${slot.state}${removed ? ' bench-removed' : ''}${removed && !written(slot) ? ' bench-not-written' : ''}${slot.error?.code === 'PRESENT_AT_START' ? ' bench-left-alone' : ''}`} data-testid="bench-slot" data-device={slot.device} data-state={slot.state} data-waiting-for={slot.waitingFor} data-removed={removed || undefined}>
      <span className="bench-device mono">{slot.device}{slot.card ? ` · card ${slot.card}` : ''}</span>
      {slot.hostname ? <strong className="bench-hostname">{slot.hostname}</strong> : <span className="bench-hostname bench-unnamed">{slot.state === 'pending' && naming ? 'Next values…' : slot.description}</span>}
      <span className="bench-phase">{phaseWords(slot)}</span>
      <span className="bench-percent" aria-label={pct === null ? undefined : `${pct} percent`}>{pct === null ? '' : `${pct}%`}</span>
      {!removed && (
        <div className="progress-bar" role="progressbar" aria-label={`${slot.device} progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
          <div className="progress-fill" style={{ width: `${pct ?? 0}%` }} />
        </div>
      )}
      {/* The first card of a bench whose image is not cached yet is written as it downloads: both pipes, as the Write step shows them. */}
      {slot.download && moving.has(slot.state) && !removed && <DownloadPipes written={slot.bytesWritten} download={slot.download} medium={benchMedium} each={false} />}
      {slot.state === 'done' && <CameUpBadge jobId={slot.jobId} device={slot.device} />}
      {/* Only the exception is worth a line on a tile read from a metre away. */}
      {slot.state === 'done' && slot.oldData && !slot.oldData.discarded && <p className="bench-note" data-testid="bench-old-data">{oldDataWords(slot.oldData)}</p>}
      {error && <p className="bench-error" data-code={error.code}>{error.message}{hint ? ` ${hint}` : ''}</p>}
      {removed && (
        <button type="button" className="button small bench-dismiss" onClick={() => keepFocus(benchStore.getState().dismiss(slot.device), tile.current)} aria-label={`Dismiss: ${slot.hostname ?? slot.description} (${slot.device})`} data-testid="bench-dismiss">
          Dismiss
        </button>
      )}
      {canRetry && !removed && slot.state === 'refused' && slot.error?.code === 'PRESENT_AT_START' && <IncludeCard slot={slot} />}
      {/* Retry only where writing the card again can succeed; a card too small says what to use instead. */}
      {canRetry && slot.state === 'failed' && retryCanHelp(slot.error?.code) && (
        <button type="button" className="button small bench-retry" onClick={() => keepFocus(benchStore.getState().retry(slot.device), tile.current)} data-testid="bench-retry">
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
  const values = session.table ? `with rows of ${session.table.name ?? 'the device table'}, in order` : session.hostname ? `with hostnames ${session.hostname}, continuing the numbering` : session.firstBoot === false ? 'as it ships, with no first-boot setup' : 'with the first-boot settings it was switched on with';
  return (
    <p data-testid="bench-values">
      The card bench writes <strong>{imageLabel(session.source)}</strong> {values}. To change that, switch it off, then on again.
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
function startBlocker(state: { image: boolean; tableOk: boolean; tableLost: string | null; profileReady: boolean }): string {
  if (!state.image) return 'Choose an image first.';
  if (state.tableLost) return tableLostWords(state.tableLost);
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
  const provisioned = useProfile((s) => s.enabled);
  const tableLost = useFleet((s) => (provisioned ? s.tableLost : null));
  const tableOk = useFleet((s) => s.tableProblems.length === 0) && tableLost === null;
  useEffect(() => void benchStore.getState().load(), []);

  const toggle = (on: boolean) => {
    if (!on) return void benchStore.getState().stop();
    const { table } = fleetStore.getState().flashFields();
    // A catalog image not cached yet streams into the bench's first job; jobs started meanwhile wait for that one download.
    void benchStore.getState().start({ ...flashSource(imageStore.getState()), verify: true, ...boardFlashFields(), ...profileStore.getState().flashFields(), ...(table ? { table } : {}), ...(profileStore.getState().enabled ? checkinStore.getState().flashFields(true) : {}) });
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
        {/* Busy is not disabled: a disabled switch drops the keyboard focus to the page's start. */}
        <input type="checkbox" role="switch" checked={status.active} disabled={!status.active && !canStart} aria-disabled={busy || undefined} onChange={(e) => !busy && toggle(e.target.checked)} data-testid="bench-switch" />
        Write every card I insert
      </label>
      {!canStart && !status.active && <p className="drive-warning" data-testid="bench-blocker">{startBlocker({ image: Boolean(source && imageName), tableOk, tableLost, profileReady })}</p>}
      {error && <ErrorNotice error={error} testId="bench-error" />}
      {session?.stopped && <ErrorNotice error={{ ...session.stopped, message: `The card bench stopped before the next card. ${session.stopped.message}` }} testId="bench-stopped" />}
      {session && (status.active || session.written + session.failed > 0) && <p className="muted bench-count" role="status" data-testid="bench-count">{sessionProgress(status)}</p>}
      {presentCardsWords(status) && <p className="drive-warning" data-testid="bench-present">{presentCardsWords(status)}</p>}
      <ul className="bench-slots" aria-label="Card reader slots" tabIndex={-1}>
        {status.slots.map((slot) => <SlotTile key={slot.device} slot={slot} canRetry={status.active} naming={Boolean(session?.hostname || session?.table)} />)}
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
