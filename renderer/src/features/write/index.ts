/** The Write step: confirm, write and verify every card, then the result. */
export { WriteStep, WriteSummary, useWriteBlocker } from './write-step';
export { isBusy } from './job-store';
