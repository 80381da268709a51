/** The Write step: confirm, write and verify every card, then the result. */
export { WriteStep, WriteSummary, useWriteReady } from './write-step';
export { isBusy } from './job-store';
