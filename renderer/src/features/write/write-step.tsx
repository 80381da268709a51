/**
 * Step 3: write. Before: what will be written where, and a confirmation that names each drive.
 * During: progress and cancel. After: the verified checksum per card, or what went wrong and what
 * to do next.
 */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { selectedDrives } from '../drives';
import { hasCounter } from '../../../../shared/provisioning';
import { boardFlashFields, checkinStore, drivesStore, fleetStore, imageStore, jobStore, profileStore, uiStore, useCatalog, useCheckin, useDrives, useFleet, useImage, useJob, useMedium, useProfile } from '../../stores';
import { driveSizeWords, formatSize } from '../../format';
import { ErrorNotice } from '../../components/error-notice';
import { headingWord, type MediumWords } from '../../../../shared/domain/medium-words';
import { goToControl, ProvisioningPlanLine } from '../provisioning';
import { BatchSummary, batchBlocker } from '../fleet';
import { CheckinSettings } from '../checkin';
import { ConfirmDialog } from './confirm-dialog';
import { ProgressView } from './progress-view';
import { flashSource } from '../image/image-store';
import { ResultView } from './result-view';
import type { StepBlocker } from '../../shell/step-blocker';

export function useWriteBlocker(): StepBlocker | null {
  const medium = useMedium();
  return useJob((s) => s.status === 'finished' && s.result?.ok === true) ? null : { reason: `The ${medium.many} are not written yet.` };
}

export function WriteSummary() {
  const status = useJob((s) => s.status);
  const ok = useJob((s) => s.result?.ok);
  // A person's own Cancel is no failure: the step says what they did.
  const cancelled = useJob((s) => s.result !== null && s.result.targets.length > 0 && s.result.targets.every((t) => t.state === 'cancelled'));
  if (status === 'finished') return <>{ok ? 'Written and verified' : cancelled ? 'Cancelled' : 'Failed'}</>;
  if (status === 'idle') return <>Ready when you are</>;
  return <>Writing…</>;
}

function Plan() {
  const info = useImage((s) => s.info);
  const drives = useDrives(useShallow(selectedDrives));
  const error = useJob((s) => s.error);
  const [verify, setVerify] = useState(true);
  const [discard, setDiscard] = useState(true);
  const [confirming, setConfirming] = useState(false);
  const blocker = useFleet((s) => batchBlocker(s, drives.length));
  const provisioned = useProfile((s) => s.enabled);
  // A batch: more than one card, a device table, or a numbered series; its devices check in by default.
  const series = useProfile((s) => s.enabled && hasCounter(s.form.hostname ?? ''));
  const table = useFleet((s) => s.table !== null);
  const tableLost = useFleet((s) => s.tableLost !== null);
  const batch = drives.length > 1 || (provisioned && table) || series;
  const checkin = useCheckin((s) => s.isOn(batch));
  const boardName = useCatalog((s) => s.boards.find((b) => b.id === s.boardId)?.name);
  const ignoreBoard = useImage((s) => s.ignoreBoard);
  const streamed = useImage((s) => s.remote !== null && !s.remote.kept);
  const medium = useMedium();

  const start = (unmountConfirmed: boolean) => {
    setConfirming(false);
    // Each card's first-boot config (when set up) is generated per card from this profile.
    const fleet = provisioned ? fleetStore.getState().flashFields() : {};
    void jobStore.getState().start({ ...flashSource(imageStore.getState()), targets: drives.map((d) => d.device), verify, discard, unmountConfirmed, ...boardFlashFields(), ...profileStore.getState().flashFields(), ...fleet, ...(provisioned ? checkinStore.getState().flashFields(batch) : {}) });
    fleetStore.getState().clearPreview();
  };

  return (
    <div className="stack" data-testid="write-plan">
      <dl className="plan">
        <div>
          <dt>Image</dt>
          <dd>
            {info?.name ?? 'none'}{' '}
            {streamed ? (
              // The download and what it becomes on the card differ many times over: each is named as what it is.
              <span className="muted" data-testid="plan-streamed">
                (a {formatSize(info?.fileSize)} download{info?.size ? `, ${formatSize(info.size)} on each ${medium.one}` : ''}), downloaded while the {medium.many} are written
              </span>
            ) : (
              <span className="muted">({formatSize(info?.size ?? info?.fileSize)})</span>
            )}
          </dd>
        </div>
        {boardName && (
          <div>
            <dt>For</dt>
            <dd data-testid="plan-board">
              {boardName}
              {ignoreBoard && <span className="muted"> (the image is for another architecture: written anyway, as you asked)</span>}
            </dd>
          </div>
        )}
        <div>
          <dt>{drives.length === 1 ? headingWord(medium.one) : `${headingWord(medium.many)} (${drives.length})`}</dt>
          <dd>
            <ul className="plain-list">
              {drives.map((d) => (
                <li key={d.device}>
                  {d.description || d.device} <span className="mono muted">{d.device}</span> <span className="muted">{driveSizeWords(d)}</span>
                </li>
              ))}
            </ul>
          </dd>
        </div>
        <ProvisioningPlanLine cards={drives.length} checkin={checkin} />
      </dl>
      <BatchSummary devices={drives.map((d) => d.device)} />
      {/* The check-in rides on the first-boot config: without first-boot setup there is none. */}
      {provisioned && <CheckinSettings batch={batch} />}
      <label className="checkbox-label">
        <input type="checkbox" checked={verify} onChange={(e) => setVerify(e.target.checked)} data-testid="verify-checkbox" />
        Verify every written byte (recommended)
      </label>
      {!verify && <p className="drive-warning">Without verification a faulty or counterfeit {medium.one} can go unnoticed.</p>}
      <EraseOldDataSwitch discard={discard} onChange={setDiscard} medium={medium} />
      {error && <ErrorNotice error={error} testId="start-error" />}
      {provisioned && blocker && <p className="drive-warning" data-testid="batch-blocker">{blocker}</p>}
      {provisioned && tableLost && (
        <div>
          <button type="button" className="button" onClick={() => goToControl('table-file')} data-testid="table-lost-go">Go to the device table</button>
        </div>
      )}
      {/* Kept in sight at the panel's foot (a short window hides it under the options otherwise: the footer has only Back here). */}
      <div className="write-action">
        <button type="button" className="button primary large" disabled={!info || drives.length === 0 || (provisioned && blocker !== null)} onClick={() => setConfirming(true)} data-testid="flash-button">
          Write {drives.length === 1 ? `the ${medium.one}` : `${drives.length} ${medium.many}`}
        </button>
      </div>
      {confirming && <ConfirmDialog drives={drives} imageName={info?.name ?? ''} discard={discard} onConfirm={start} onCancel={() => setConfirming(false)} />}
    </div>
  );
}

/**
 * The writer discards a card's old contents before writing (where the card can), so its last use
 * (another site's Wi-Fi passphrase) is not left in the new filesystems' free space. On by default;
 * off keeps the old bytes, as the CLI's --no-discard does, and the result and History say so.
 * Off is for a card or reader that erases slowly: it saves that time, at the cost of the old data.
 */
function EraseOldDataSwitch({ discard, onChange, medium }: { discard: boolean; onChange(on: boolean): void; medium: MediumWords }) {
  return (
    <div>
      <label className="checkbox-label">
        <input type="checkbox" checked={discard} onChange={(e) => onChange(e.target.checked)} aria-describedby="discard-why" data-testid="discard-checkbox" />
        Erase the old data first (recommended)
      </label>
      <p id="discard-why" className={discard ? 'muted small' : 'drive-warning'} data-testid="discard-why">
        {discard
          ? `So nothing from the ${medium.one}’s last use (files, an old Wi-Fi passphrase) is left in its free space. It takes seconds on most ${medium.many}; turn it off only for one whose reader erases slowly.`
          : `Old data will remain in the ${medium.one}’s free space, readable by anyone who gets it. Off saves the time erasing takes (seconds on most ${medium.many}, minutes on a slow reader): use it only for ${medium.many} that held nothing private.`}
      </p>
    </div>
  );
}

export function WriteStep() {
  const status = useJob((s) => s.status);
  if (status === 'idle') return <Plan />;
  if (status === 'finished') {
    return (
      <ResultView
        onRetryFailed={(eraseOther) => void jobStore.getState().retryFailed(eraseOther)}
        onFix={(step) => uiStore.getState().goTo(step)}
        onWithoutFirstBoot={() => {
          profileStore.getState().setEnabled(false);
          jobStore.getState().reset();
        }}
        onNewCards={() => {
          jobStore.getState().reset();
          drivesStore.getState().select([]);
          uiStore.getState().goTo('drives');
        }}
      />
    );
  }
  return <ProgressView />;
}
