/**
 * The app's shell: a step list on the left, the current step's panel on the right, Back and
 * Continue below it. A step opens only when every step before it is ready, and the steps are
 * locked while a card is being written. A disabled Continue says why beside it.
 */
import { useEffect, useRef } from 'react';
import { useHistory, useJob, useMedium, useTool, useUi, uiStore } from './stores';
import { isBusy } from './features/write';
import { steps, type StepDefinition } from './steps';
import type { StepBlocker } from './shell/step-blocker';
import { SkipLinks } from './shell/skip-links';
import { StepNav } from './shell/step-nav';
import { TopBar } from './shell/top-bar';
import { HistoryView } from './features/history';
import { FleetToolView } from './features/fleet';

/** How many steps from the start are ready, in order, and what holds up the first one that is not. */
function useProgress(): { readyCount: number; blocker: StepBlocker | null; blockedStep: StepDefinition | null } {
  const blockers = steps.map((step) => step.useBlocker());
  const first = blockers.findIndex((blocker) => blocker !== null);
  if (first === -1) return { readyCount: steps.length, blocker: null, blockedStep: null };
  return { readyCount: first, blocker: blockers[first]!, blockedStep: steps[first]! };
}

/**
 * Beside a disabled Continue: why, and the way past. When an earlier step is what holds it up (a
 * restored draft, a file that went away), the reason names that step and offers to go there.
 */
function ContinueReason({ blocker, step, onGo }: { blocker: StepBlocker; step: StepDefinition | null; onGo(id: string): void }) {
  return (
    <span className="continue-reason" data-testid="continue-reason">
      <span id="continue-reason">{step ? `${step.title}: ${blocker.reason}` : blocker.reason}</span>
      {(step || blocker.action) && (
        <span className="continue-reason-actions">
          {step && (
            <button type="button" className="button small" onClick={() => onGo(step.id)}>
              Go to {step.title}
            </button>
          )}
          {blocker.action && (
            <button type="button" className="button small" onClick={blocker.action.run}>
              {blocker.action.label}
            </button>
          )}
        </span>
      )}
    </span>
  );
}

/**
 * Moving to another step, or back to the steps from History or a fleet tool ("Back to writing"),
 * puts the keyboard on the step's heading, as a new page would: the next Tab reaches the step's
 * first field, and a screen reader announces where the person now is. Without it the button just
 * pressed is gone and the focus falls to the page. The first render leaves focus alone.
 */
function useFocusOnStepChange(view: string) {
  const heading = useRef<HTMLHeadingElement>(null);
  const shown = useRef(view);
  useEffect(() => {
    if (shown.current === view) return;
    shown.current = view;
    heading.current?.focus();
  }, [view]);
  return heading;
}

export function App() {
  const current = useUi((s) => s.step);
  const visited = useUi((s) => s.visited);
  const busy = useJob((s) => isBusy(s.status));
  const { readyCount, blocker, blockedStep } = useProgress();
  const notes = steps.map((s) => s.useNote());
  const noted = steps.filter((_, i) => notes[i] !== null).map((s) => s.id);
  const historyOpen = useHistory((s) => s.open);
  const tool = useTool((s) => s.tool);
  const index = Math.max(0, steps.findIndex((s) => s.id === current));
  const step = steps[index] ?? steps[0]!;
  const previous = steps[index - 1];
  const next = steps[index + 1];
  const go = (id: string) => uiStore.getState().goTo(id);
  const heading = useFocusOnStepChange(historyOpen || tool ? 'elsewhere' : step.id);
  const medium = useMedium();

  return (
    <div className="app">
      {!historyOpen && !tool && <SkipLinks showContinue={Boolean(next)} />}
      <TopBar />
      {historyOpen ? <HistoryView /> : tool ? <FleetToolView tool={tool} /> : (
      <div className="layout">
        <StepNav steps={steps} current={step.id} openUpTo={busy ? -1 : readyCount} visited={visited} noted={noted} onSelect={go} />
        <main className="panel" aria-labelledby="step-title" data-testid={`step-${step.id}`}>
          <header className="panel-header">
            <p className="panel-kicker">Step {index + 1} of {steps.length}</p>
            <h1 id="step-title" tabIndex={-1} ref={heading}>{step.title}</h1>
            <p className="panel-lead" data-testid="step-lead">{step.lead(medium)}</p>
          </header>
          <div className="panel-body">
            <step.Panel />
          </div>
          <footer className="panel-actions">
            {previous && (
              <button type="button" className="button" disabled={busy} onClick={() => go(previous.id)} data-testid="step-back">
                Back
              </button>
            )}
            {next && !busy && readyCount <= index && blocker ? (
              <ContinueReason blocker={blocker} step={blockedStep === step ? null : blockedStep} onGo={go} />
            ) : next && !busy && notes[index] ? (
              <span className="continue-reason" data-testid="continue-note">{notes[index]}</span>
            ) : (
              <span className="spacer" />
            )}
            {next && (
              <button
                type="button"
                className="button primary"
                disabled={busy || readyCount <= index}
                onClick={() => go(next.id)}
                aria-describedby={readyCount <= index ? 'continue-reason' : undefined}
                data-testid="step-continue"
              >
                Continue
              </button>
            )}
          </footer>
        </main>
      </div>
      )}
    </div>
  );
}
