/** The First boot step: the provisioning profile, its live Ignition preview, and saved profiles. */
export { ProvisioningStep, ProvisioningSummary, useProvisioningBlocker, useProvisioningNote } from './provisioning-step';
export { ProvisioningPlanLine } from './plan-line';
export { goToControl } from './field-focus';
export { NoLoginConfirm, useNoLogin } from './no-login-confirm';
