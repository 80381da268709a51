/**
 * The provisioning injector the writer calls per card (see provision-seam.ts): the provisioning
 * domain's injection, imported on the first card that carries a plan, so a plain flash never
 * loads the ext4 WebAssembly module.
 */
import type { ProvisioningInjector } from './provision-seam';

export async function loadInjector(): Promise<ProvisioningInjector> {
  return async (io, plan) => {
    const { injectProvisioning } = await import('../core/provision/inject');
    return injectProvisioning(io, plan);
  };
}
