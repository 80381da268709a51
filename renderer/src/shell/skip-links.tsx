/**
 * The first Tab stops of the window, shown only while focused: past the top bar and the step list
 * to where the step starts (the boards, the Hostname field), or straight to the footer's Continue (worded without "Continue", which names that button only). A person on
 * the keyboard otherwise passes every top-bar button and every step on each visit.
 */

/** What a control that takes the keyboard looks like, to find the first one inside a marked region. */
const FOCUSABLE = 'button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), summary, [tabindex="0"]';

/**
 * Focuses the control where the step shown starts: the first one in its `data-step-start` region,
 * or the step's heading (the next Tab then reaches the step's first control).
 */
export function focusStepStart(): void {
  const region = document.querySelector<HTMLElement>('.panel [data-step-start]');
  const control = region?.matches(FOCUSABLE) ? region : region?.querySelector<HTMLElement>(FOCUSABLE);
  (control ?? document.getElementById('step-title'))?.focus();
}

/** Continue, or while it is disabled the way past it beside it, else the reason itself (read out, not a Tab stop). */
export function focusContinue(): void {
  const next = document.querySelector<HTMLButtonElement>('[data-testid="step-continue"]');
  if (next && !next.disabled) return next.focus();
  const wayPast = document.querySelector<HTMLElement>('[data-testid="continue-reason"] button');
  if (wayPast) return wayPast.focus();
  const reason = document.getElementById('continue-reason');
  reason?.setAttribute('tabindex', '-1');
  reason?.focus();
}

export function SkipLinks({ showContinue }: { showContinue: boolean }) {
  return (
    <div className="skip-links">
      <button type="button" className="skip-link" onClick={focusStepStart} data-testid="skip-to-step">Skip to the step</button>
      {showContinue && <button type="button" className="skip-link" onClick={focusContinue} data-testid="skip-to-continue">Skip to the buttons at the bottom</button>}
    </div>
  );
}

/** Inside a long form: after the common fields, the rest (all optional) can be passed in one step. */
export function SkipRestLink({ what }: { what: string }) {
  return <button type="button" className="skip-link skip-link-inline" onClick={focusContinue} data-testid="skip-rest">Skip {what}: go to the buttons at the bottom</button>;
}
