/**
 * The app's shell: a step list on the left, the current step's panel on the right, Back and
 * Continue below it. A step opens only when every step before it is ready, and the steps are
 * locked while a card is being written.
 */
import { useHistory, useJob, useUi, uiStore } from './stores';
import { isBusy } from './features/write';
import { steps } from './steps';
import { StepNav } from './shell/step-nav';
import { TopBar } from './shell/top-bar';
import { HistoryView } from './features/history';

/** How many steps from the start are ready, in order. */
function useReadyCount(): number {
  const ready = steps.map((step) => step.useReady());
  const firstNotReady = ready.indexOf(false);
  return firstNotReady === -1 ? steps.length : firstNotReady;
}

export function App() {
  const current = useUi((s) => s.step);
  const busy = useJob((s) => isBusy(s.status));
  const readyCount = useReadyCount();
  const historyOpen = useHistory((s) => s.open);
  const index = Math.max(0, steps.findIndex((s) => s.id === current));
  const step = steps[index] ?? steps[0]!;
  const previous = steps[index - 1];
  const next = steps[index + 1];
  const go = (id: string) => uiStore.getState().goTo(id);

  return (
    <div className="app">
      <TopBar />
      {historyOpen ? <HistoryView /> : (
      <div className="layout">
        <StepNav steps={steps} current={step.id} openUpTo={busy ? -1 : readyCount} onSelect={go} />
        <main className="panel" aria-labelledby="step-title" data-testid={`step-${step.id}`}>
          <header className="panel-header">
            <p className="panel-kicker">Step {index + 1} of {steps.length}</p>
            <h1 id="step-title">{step.title}</h1>
            <p className="panel-lead">{step.lead}</p>
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
            <span className="spacer" />
            {next && (
              <button type="button" className="button primary" disabled={busy || readyCount <= index} onClick={() => go(next.id)} data-testid="step-continue">
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
