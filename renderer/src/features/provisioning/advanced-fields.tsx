/**
 * The less common things, folded away: a static IPv4 address, switching to a bootc
 * image on first boot, merging an Ignition config of one's own, or handing the whole config to
 * an Ignition URL or a Zezere server instead.
 */
import { staticIpReachWords } from '../../../../shared/provisioning';
import { FieldErrors, TextField, useFieldProblems } from './field';
import { formStaticIp, type ProvisioningModeChoice } from './profile-form';
import { profileStore, useProfile } from '../../stores';

const MODES: Array<{ value: ProvisioningModeChoice; label: string; hint: string }> = [
  { value: 'config', label: 'Write a config generated from this form', hint: 'The usual choice.' },
  { value: 'url', label: 'Fetch the config from an Ignition URL instead', hint: 'The card downloads its whole config at first boot; it needs a network then.' },
  { value: 'zezere', label: 'Use a Zezere provisioning server', hint: 'A server that gives each device its settings once you claim the device in its web page. Only images that ship zezere-ignition (Fedora IoT before February 2025).' },
];

function MergeConfig() {
  const fileName = useProfile((s) => s.form.mergeFileName);
  const problems = useFieldProblems('mergeConfig');
  const pick = async (file: File | undefined) => {
    if (!file) return;
    profileStore.getState().update({ mergeConfig: await file.text(), mergeFileName: file.name });
  };
  return (
    <div className="field">
      <span className="field-label">Merge an Ignition config of yours</span>
      <div className="row">
        <label className="button file-button">
          Choose a .ign file…
          <input type="file" accept=".ign,.json,application/json" className="visually-hidden" data-testid="profile-merge-file" onChange={(e) => void pick(e.target.files?.[0])} />
        </label>
        {fileName && (
          <>
            <span className="mono">{fileName}</span>
            <button type="button" className="button" onClick={() => profileStore.getState().update({ mergeConfig: '', mergeFileName: '' })}>Remove</button>
          </>
        )}
      </div>
      <FieldErrors messages={problems} field="mergeConfig" />
    </div>
  );
}

/**
 * A fixed address without a gateway or DNS server is allowed (a closed network may want it), but
 * the device then reaches nothing beyond its subnet: said beside the fields, not as an error.
 */
function StaticIpReach() {
  const form = useProfile((s) => s.form);
  // A gateway or DNS server alone sets nothing (they belong to an address): say so, rather than drop them unseen.
  if (!form.staticAddress.trim() && (form.staticGateway.trim() || form.staticDns.trim())) {
    return <p className="drive-warning" role="note" data-testid="static-ip-reach">The gateway and DNS servers are used only with an address above. For a device table’s rows, use “Use this gateway … for every row without one” under the table, or its gateway and dns columns.</p>;
  }
  return <StaticIpReachWords />;
}

function StaticIpReachWords() {
  const form = useProfile((s) => s.form);
  const addressWrong = useFieldProblems('staticAddress').length > 0;
  const staticIp = addressWrong ? undefined : formStaticIp(form);
  const words = staticIpReachWords(staticIp);
  if (!staticIp || !words) return null;
  const missing = [...(staticIp.gateway ? [] : ['Gateway (usually the router, such as 192.168.1.1)']), ...(staticIp.dns.length ? [] : ['DNS servers'])];
  return <p className="drive-warning" role="note" data-testid="static-ip-reach">{words} Fill in {missing.join(' and ')} above, unless the device is meant to stay on this network.</p>;
}

export function AdvancedFields() {
  const mode = useProfile((s) => s.form.mode);
  return (
    <details className="advanced" data-testid="profile-advanced">
      <summary>Advanced</summary>
      <div className="stack">
        <fieldset className="form-group">
          <legend>Where the config comes from</legend>
          {MODES.map((m) => (
            <label key={m.value} className="radio-label">
              <input type="radio" name="provisioning-mode" value={m.value} checked={mode === m.value} data-testid={`profile-mode-${m.value}`}
                onChange={() => profileStore.getState().update({ mode: m.value })} />
              <span>{m.label}<span className="field-hint block">{m.hint}</span></span>
            </label>
          ))}
          {mode === 'url' && <TextField name="ignitionUrl" label="Ignition config URL" type="url" placeholder="https://example.com/card.ign" />}
          {mode === 'zezere' && <TextField name="zezereUrl" label="Zezere server URL" type="url" placeholder="https://provision.example.com/" />}
        </fieldset>
        {mode === 'config' && (
          <>
            <fieldset className="form-group">
              <legend>System</legend>
              <TextField name="bootcSwitch" label="Switch to this bootc image on first boot" placeholder="quay.io/fedora/fedora-iot:42"
                hint="Runs bootc switch once, then reboots into the container image." />
            </fieldset>
            <fieldset className="form-group">
              <legend>Static IPv4 address for the wired port</legend>
              <TextField name="staticAddress" label="Address with prefix" placeholder="192.168.1.50/24" />
              <TextField name="staticGateway" label="Gateway" placeholder="192.168.1.1" />
              <TextField name="staticDns" label="DNS servers" placeholder="1.1.1.1 9.9.9.9" />
              <StaticIpReach />
            </fieldset>
            <MergeConfig />
          </>
        )}
      </div>
    </details>
  );
}
