/** The provisioning feature: the first-boot setup step and the profile store. */
export { ProvisioningStep, ProvisioningSummary, useProvisioningReady } from './provisioning-step';
export { profileStore, useProfile } from './stores';
export { ProvisioningPlanLine } from './plan-line';
