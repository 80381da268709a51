/** Check-in: the devices say they came up (shared/domain/checkin.ts). */
export { CheckinSettings } from './checkin-settings';
export { CameUpBadge, CameUpLines } from './came-up';
