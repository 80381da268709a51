/**
 * Devices with a fixed address and no gateway reach only their own subnet: a check-in address
 * outside it never hears from them, and the app would wait its 30 minutes for nothing. Said
 * beside the address picker, with the two ways out, before anything is written. A table's rows
 * take a gateway from the table (the one-click fill under it), never from the form's fields.
 */
import { subnetOf } from '../../../../shared/provisioning';
import { useFleet, useProfile } from '../../stores';
import { strandedBy } from './checkin-reach-of';

/** The addresses of the devices that could not reach `address`. */
export function useStranded(address: string): string[] {
  const devices = useFleet((s) => s.tableDevices);
  const form = useProfile((s) => s.form);
  return strandedBy(address, devices, form);
}

/** `off`: the check-in was left off by default for this reason, and the note says so. */
export function CheckinReach({ address, off = false }: { address: string; off?: boolean }) {
  const devices = useFleet((s) => s.tableDevices);
  const stranded = useStranded(address);
  if (!stranded.length) return null;
  const subnets = [...new Set(stranded.map((a) => subnetOf(a) ?? a))].join(', ');
  const who = !devices.length ? 'The device has' : stranded.length === devices.length ? `All ${devices.length} devices have` : `${stranded.length} of the ${devices.length} devices have`;
  return (
    <p className="drive-warning" role="note" data-testid="checkin-reach">
      {who} a fixed address in {subnets} and no gateway (the router to other networks), so {devices.length ? 'they' : 'it'} cannot reach {address} to say {devices.length ? 'they' : 'it'} came up.
      {' '}{off ? 'So it is off. To use it, switch it on and pick' : 'Pick'} this computer’s address on their network, or {devices.length
        ? 'give the rows a gateway: in the First boot step, “Use this gateway … for every row without one” under the device table, or a gateway column in the table'
        : 'fill in its Gateway under the fixed address in the First boot step'}.
    </p>
  );
}
