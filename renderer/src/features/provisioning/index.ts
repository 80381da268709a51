/** The First boot step: the provisioning profile, its live Ignition preview, and saved profiles. */
export { ProvisioningStep, ProvisioningSummary, useProvisioningReady } from './provisioning-step';
export { ProvisioningPlanLine } from './plan-line';
