import type { Drive } from '../../../../shared/domain/drive';
import type { TargetCheck } from '../../../../shared/drive-constraints';
import { driveSizeWords } from '../../format';

const kindWords: Record<Drive['kind'], string> = { drive: 'Drive', loop: 'Loop device', file: 'Image file' };

function badges(drive: Drive): string[] {
  const list: string[] = [];
  if (drive.isSystem) list.push('System');
  if (drive.kind !== 'drive') list.push(kindWords[drive.kind]);
  else if (drive.isRemovable) list.push('Removable');
  if (drive.busType && drive.busType !== 'UNKNOWN' && drive.kind === 'drive') list.push(drive.busType);
  if (drive.isReadOnly) list.push('Read-only');
  return list;
}

interface DriveRowProps {
  drive: Drive;
  check: TargetCheck;
  selected: boolean;
  onToggle(): void;
  /** Present for a device or file added by path: forgets it. */
  onRemove?: () => void;
}

export function DriveRow({ drive, check, selected, onToggle, onRemove }: DriveRowProps) {
  const blocked = !check.ok;
  const id = `drive-${drive.device.replace(/[^a-zA-Z0-9]/g, '-')}`;
  return (
    <li className={`drive${selected && !blocked ? ' selected' : ''}${blocked ? ' blocked' : ''}${onRemove ? ' removable' : ''}`} data-testid="drive-row" data-device={drive.device}>
      <input
        id={id}
        type="checkbox"
        checked={selected && !blocked}
        disabled={blocked}
        onChange={onToggle}
        aria-describedby={`${id}-notes`}
        data-testid="drive-checkbox"
      />
      <label htmlFor={id} className="drive-main">
        <span className="drive-name">{drive.description || kindWords[drive.kind]}</span>
        <span className="drive-size">{driveSizeWords(drive)}</span>
        <span className="drive-device mono">{drive.device}</span>
        <span className="badges">
          {badges(drive).map((badge) => (
            <span key={badge} className={`badge${badge === 'System' || badge === 'Read-only' ? ' badge-danger' : ''}`}>
              {badge}
            </span>
          ))}
        </span>
      </label>
      {onRemove && (
        <button type="button" className="button small drive-remove" onClick={onRemove} aria-label={`Remove ${drive.device} from the list`} data-testid="drive-remove">
          Remove
        </button>
      )}
      <div id={`${id}-notes`} className="drive-notes">
        {/* A system drive is never written: its other problems would only add noise. */}
        {(drive.isSystem ? check.errors.filter((issue) => issue.code === 'TARGET_SYSTEM') : check.errors).map((issue) => (
          <p key={issue.code} className="drive-reason" data-code={issue.code}>
            {issue.hint ? `${issue.message} ${issue.hint}` : issue.message}
          </p>
        ))}
        {!drive.isSystem && check.warnings.map((issue) => (
          <p key={issue.code} className="drive-warning" data-code={issue.code}>
            {issue.message}
          </p>
        ))}
      </div>
    </li>
  );
}
