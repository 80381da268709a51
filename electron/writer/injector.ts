/**
 * The provisioning injector the writer calls per card (see provision-seam.ts): the provisioning
 * domain's injection, imported on the first card that carries a plan, so a plain flash never
 * loads the ext4 WebAssembly module.
 */
import type { ProvisioningPlan } from '../../shared/provisioning';
import type { ProvisioningInjector } from './provision-seam';

export async function loadInjector(): Promise<ProvisioningInjector> {
  return async (io, plan) => {
    const { injectProvisioning } = await import('../core/provision/inject');
    // The plan crossed a process boundary as JSON: injectProvisioning validates it again before writing.
    return injectProvisioning(io, plan as ProvisioningPlan);
  };
}
