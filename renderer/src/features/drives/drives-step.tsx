/**
 * Step 2: the drives. The list refreshes by itself as cards come and go; system drives appear
 * only with "Show all", and then cannot be chosen. Each drive is checked against the chosen image
 * with the same rules the CLI and the writer apply (shared/drive-constraints.ts), and a drive that
 * cannot be written says why.
 */
import { checkTarget } from '../../../../shared/drive-constraints';
import { allDrives, imageFacts, removableDevices, selectedDrives } from './drives-store';
import { drivesStore, useDrives, useImage, useMedium } from '../../stores';
import { ErrorNotice } from '../../components/error-notice';
import { DriveRow } from './drive-row';
import { AddTarget } from './add-target';
import { useShallow } from 'zustand/react/shallow';
import type { StepBlocker } from '../../shell/step-blocker';

function useImageFacts() {
  return imageFacts(useImage((s) => s.info));
}

export function useDrivesBlocker(): StepBlocker | null {
  const image = useImageFacts();
  const chosen = useDrives(useShallow(selectedDrives));
  const medium = useMedium();
  return chosen.length > 0 && chosen.every((drive) => checkTarget(drive, image).ok) ? null : { reason: `Tick a ${medium.one} to write. One that cannot be written says why.` };
}

export function DrivesSummary() {
  const chosen = useDrives(useShallow(selectedDrives));
  if (chosen.length === 0) return <>None chosen yet</>;
  if (chosen.length === 1) return <>{chosen[0]!.description || chosen[0]!.device}</>;
  return <>{chosen.length} drives</>;
}

export function DrivesStep() {
  const drives = useDrives(useShallow(allDrives));
  const { selected, showAll, status, error } = useDrives(useShallow((s) => ({ selected: s.selected, showAll: s.showAll, status: s.status, error: s.error })));
  const image = useImageFacts();
  const removable = useDrives(useShallow(removableDevices));
  const { toggle, setShowAll, load, removeAdded } = drivesStore.getState();
  const medium = useMedium();

  return (
    <div className="stack">
      <div className="toolbar">
        <span className="muted" role="status" aria-live="polite">
          {status === 'loading' ? 'Looking for drives…' : `${drives.length || 'No'} ${drives.length === 1 ? 'drive' : 'drives'} found`}
        </span>
        <span className="spacer" />
        <label className="checkbox-label">
          <input type="checkbox" checked={showAll} onChange={(e) => void setShowAll(e.target.checked)} data-testid="show-all" />
          Show system drives
        </label>
        <button type="button" className="button small" onClick={() => void load()} data-testid="refresh-drives">
          Refresh
        </button>
      </div>
      {error && <ErrorNotice error={error} />}
      {drives.length === 0 && status === 'ready' && (
        <p className="empty" data-testid="no-drives">
          No {medium.one} found. Insert one and it appears here by itself.
        </p>
      )}
      <ul className="drive-list" aria-label="Drives" data-testid="drive-list">
        {drives.map((drive) => (
          <DriveRow
            key={drive.device}
            drive={drive}
            check={checkTarget(drive, image)}
            selected={selected.includes(drive.device)}
            onToggle={() => toggle(drive.device)}
            onRemove={removable.includes(drive.device) ? () => removeAdded(drive.device) : undefined}
          />
        ))}
      </ul>
      <AddTarget />
    </div>
  );
}
