/**
 * Why a step's Continue is disabled: one sentence shown beside the button, and optionally the one
 * action that gets past it. A disabled button with no reason is a dead end.
 */
export interface StepBlocker {
  reason: string;
  action?: { label: string; run(): void };
}
