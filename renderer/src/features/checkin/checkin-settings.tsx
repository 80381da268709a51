/**
 * "Tell me when each device comes up": the switch and the address the devices report to, from
 * this machine's addresses a device could reach (never loopback); with none, why the switch is off.
 */
import { checkinStore, useCheckin } from '../../stores';
import { CheckinReach, useStranded } from './checkin-reach';

export function CheckinSettings({ batch }: { batch: boolean }) {
  const address = useCheckin((s) => s.address);
  const reachable = useStranded(address).length === 0;
  const on = useCheckin((s) => s.isOn(batch, reachable));
  // Left off by default because the devices could not reach the address: the note says why.
  const offForReach = useCheckin((s) => s.wanted === null && batch && !reachable && s.address !== '');
  const addresses = useCheckin((s) => s.addresses);
  return (
    <fieldset className="checkin-settings stack" data-testid="checkin-settings">
      <label className="checkbox-label">
        <input type="checkbox" checked={on} disabled={addresses.length === 0} onChange={(e) => checkinStore.getState().setWanted(e.target.checked)} data-testid="checkin-toggle" />
        Tell me when each device comes up
      </label>
      {addresses.length === 0 && (
        <p className="muted small" role="note" data-testid="checkin-no-address">
          This computer has no network address a device could reach (only 127.0.0.1, which on a device means the device itself): connect it to the devices’ network.
        </p>
      )}
      {on && (
        <label className="field">
          <span>Devices report to this computer at</span>
          <select value={address} onChange={(e) => checkinStore.getState().setAddress(e.target.value)} data-testid="checkin-address">
            {addresses.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
          <span className="muted small">Pick the address the devices can reach (this computer’s address on their network). The app listens there, over HTTPS, only until every card has reported.</span>
        </label>
      )}
      {(on || offForReach) && <CheckinReach address={address} off={offForReach} />}
    </fieldset>
  );
}
