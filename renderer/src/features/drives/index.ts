/** The Drives step: the cards and sticks to write, listed by the core or added by path. */
export { DrivesStep, DrivesSummary, useDrivesBlocker } from './drives-step';
export { selectedDrives } from './drives-store';
