/** The machine's preflight checks as a checklist: each failure with its fix, in plain words. */
import type { PreflightCheck } from '../../../../shared/domain/build';

export function PreflightChecklist({ checks }: { checks: PreflightCheck[] }) {
  return (
    <ul className="plain-list checklist" aria-label="Can this computer build images?" data-testid="build-preflight">
      {checks.map((check) => (
        <li key={check.id} className={`check ${check.ok ? 'check-ok' : 'check-bad'}`} data-check={check.id} data-ok={check.ok}>
          <span className="check-mark" aria-hidden="true">{check.ok ? '✓' : '✗'}</span>
          <div className="check-text">
            <strong>{check.label}</strong>
            {check.detail && <span className="muted small">{check.detail}</span>}
            {!check.ok && check.fix && <span className="check-fix">Fix: {check.fix}</span>}
          </div>
        </li>
      ))}
    </ul>
  );
}
