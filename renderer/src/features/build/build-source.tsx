/**
 * "Build from a container": a bootc container reference becomes a raw disk image on this
 * computer (bootc-image-builder through rootful podman), then the image to write.
 */
import { useEffect, type FormEvent } from 'react';
import { deliveryExplained } from '../../../../shared/domain/board';
import { ErrorNotice } from '../../components/error-notice';
import { WhatIsThis } from '../../components/what-is-this';
import { BuildHistoryList } from './build-history-list';
import { BuildRunView } from './build-run-view';
import { PreflightChecklist } from './preflight-checklist';
import { buildStore, useBuild, useProfile } from '../../stores';

const suggestions = ['quay.io/fedora/fedora-iot:42', 'quay.io/fedora/fedora-bootc:42'];

export function BuildSource() {
  const { reference, arch, rootfs, includeProfile, checks, checking, build, history, error } = useBuild((s) => s);
  const profileEnabled = useProfile((s) => s.enabled);
  const running = build?.status === 'running';

  useEffect(() => void buildStore.getState().loadHistory(), []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void buildStore.getState().start();
  };

  return (
    <div className="stack" data-testid="build-source">
      <p className="muted">
        {deliveryExplained['bootc-built-raw']} It needs podman; the builder runs as administrator (you may be asked to approve it).
        A built image carries no Raspberry Pi firmware: it boots on UEFI machines. <WhatIsThis term="containerImage" />
      </p>
      <form className="stack" onSubmit={submit}>
        <label className="stack" style={{ gap: 4 }}>
          <span>Container image</span>
          <input
            className="input mono"
            list="build-suggestions"
            value={reference}
            onChange={(event) => buildStore.getState().set({ reference: event.target.value })}
            spellCheck={false}
            autoComplete="off"
            disabled={running}
            data-testid="build-reference"
          />
          <datalist id="build-suggestions">
            {suggestions.map((s) => <option key={s} value={s} />)}
          </datalist>
        </label>
        <div className="row">
          <label className="stack" style={{ gap: 4 }}>
            <span>Board architecture</span>
            <select className="input" value={arch} disabled={running} onChange={(event) => buildStore.getState().set({ arch: event.target.value as typeof arch })} data-testid="build-arch">
              <option value="aarch64">aarch64 (64-bit ARM boards)</option>
              <option value="x86_64">x86_64 (PCs, NUCs)</option>
            </select>
          </label>
          <label className="stack" style={{ gap: 4 }}>
            <span>Root filesystem</span>
            <select className="input" value={rootfs} disabled={running} onChange={(event) => buildStore.getState().set({ rootfs: event.target.value as typeof rootfs })} data-testid="build-rootfs">
              <option value="ext4">ext4</option>
              <option value="xfs">xfs</option>
            </select>
          </label>
        </div>
        <label className="checkbox-label">
          <input type="checkbox" checked={includeProfile} disabled={running} onChange={(event) => buildStore.getState().set({ includeProfile: event.target.checked })} data-testid="build-include-profile" />
          <span>
            Put the First boot settings into the image
            <span className="muted small"> {profileEnabled ? '(users, SSH keys and the Ignition config from the First boot step)' : '(none set yet: fill in the First boot step first)'}</span>
          </span>
        </label>
        <div className="row">
          <button type="button" className="button" onClick={() => void buildStore.getState().checkMachine()} disabled={checking || running} data-testid="build-check">
            {checking ? 'Checking…' : 'Check this computer'}
          </button>
          <button type="submit" className="button primary" disabled={running || !reference.trim()} data-testid="build-start">
            Build image
          </button>
        </div>
      </form>
      {error && <ErrorNotice error={error} testId="build-request-error" />}
      {checks && !build && <PreflightChecklist checks={checks} />}
      {build && <BuildRunView build={build} />}
      <BuildHistoryList history={history} />
    </div>
  );
}
