/**
 * Which devices of the next write cannot reach a check-in address: those with a fixed address and
 * no gateway outside its subnet. With a device table each row's own address counts; without one,
 * the form's is every card's. Pure, so the check-in's default and its note agree.
 */
import { checkinOutOfReach, type DeviceRow } from '../../../../shared/provisioning';
import { formStaticIp, type ProfileForm } from '../provisioning/profile-form';

export function strandedBy(address: string, devices: DeviceRow[], form: ProfileForm): string[] {
  return checkinOutOfReach(address, devices.length ? devices.map((d) => d.profile.staticIp) : [formStaticIp(form)]);
}
