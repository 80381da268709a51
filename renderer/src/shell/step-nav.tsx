import type { StepDefinition } from '../steps';

interface StepNavProps {
  steps: StepDefinition[];
  current: string;
  /** Steps at or before this index (the first step not ready) can be opened; -1 locks all. */
  openUpTo: number;
  /** The steps opened so far: only those can show a ✓. */
  visited: string[];
  /** Steps whose Continue is open but something is still missing (see StepDefinition.useNote): no ✓. */
  noted: string[];
  onSelect(id: string): void;
}

export function StepNav({ steps, current, openUpTo, visited, noted, onSelect }: StepNavProps) {
  return (
    <nav className="step-nav" aria-label="Steps">
      <ol>
        {steps.map((step, index) => {
          const isCurrent = step.id === current;
          // Ready is not done: an optional step nobody opened (First boot) needs nothing yet was never looked at.
          const done = index < openUpTo && visited.includes(step.id) && !noted.includes(step.id);
          return (
            <li key={step.id} className={`step-item${isCurrent ? ' current' : ''}${done ? ' done' : ''}`}>
              <button
                type="button"
                onClick={() => onSelect(step.id)}
                disabled={!isCurrent && index > openUpTo}
                aria-current={isCurrent ? 'step' : undefined}
                data-testid={`nav-${step.id}`}
              >
                <span className="step-number" aria-hidden="true">{done ? '✓' : index + 1}</span>
                <span className="step-text">
                  <span className="step-title">{step.title}</span>
                  <span className="step-summary">
                    <step.Summary />
                  </span>
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
