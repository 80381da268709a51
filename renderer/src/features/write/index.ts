/** The Write step: confirm, write and verify every card, then the result. */
export { WriteStep, WriteSummary, useWriteReady } from './write-step';
export { createJobStore, isBusy, type JobState } from './job-store';
