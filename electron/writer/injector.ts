/**
 * The provisioning injector the writer calls per card (see provision-seam.ts). The provisioning
 * domain (electron/core/provision) supplies the real one here.
 */
import { FiotError } from '../../shared/errors';
import type { ProvisioningInjector } from './provision-seam';

export async function loadInjector(): Promise<ProvisioningInjector> {
  return async () => {
    throw new FiotError('PREFLIGHT_FAILED', 'This version of the writer cannot provision a card while flashing.', 'Flash the card first, then run `fiot-flash provision <target>`.');
  };
}
