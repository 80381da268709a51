/**
 * The image step's "Download" tab: a URL or catalog reference (and optionally its sha256), the
 * download's progress with cancel, and the verification badge once it is in the cache.
 */
import { useState, type FormEvent } from 'react';
import { downloadsStore, useDownloads } from '../../stores';
import { DownloadFailure } from './download-failure';
import { DownloadProgress } from './download-progress';
import { activePhases } from './downloads-store';

export function DownloadSource() {
  const current = useDownloads((s) => s.current);
  // While a Retry tries, the failure it means to mend stays shown (its Retry says "Trying…").
  const error = useDownloads((s) => s.error ?? s.retrying);
  const [source, setSource] = useState('');
  const [sha256, setSha256] = useState('');
  const [skipSignature, setSkipSignature] = useState(false);
  const active = current !== null && activePhases.has(current.phase);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void downloadsStore.getState().start(source, sha256, skipSignature);
  };

  return (
    <div className="stack" data-testid="download-source">
      <form className="stack" onSubmit={submit}>
        <label htmlFor="download-url">Address of the image (https://…), or a catalog name such as fedora-iot:43@rpi4</label>
        <input id="download-url" className="input mono" value={source} onChange={(e) => setSource(e.target.value)} placeholder="https://…/Fedora-IoT-raw-42-….aarch64.raw.xz or fedora-iot:42@rpi4" spellCheck={false} data-testid="download-url" />
        <label htmlFor="download-sha256">Checksum from the publisher (sha256, optional): the file is refused if it differs</label>
        <input id="download-sha256" className="input mono" value={sha256} onChange={(e) => setSha256(e.target.value)} spellCheck={false} data-testid="download-sha256" />
        <label className="checkbox-label">
          <input type="checkbox" checked={skipSignature} onChange={(e) => setSkipSignature(e.target.checked)} data-testid="skip-signature" />
          Skip the signature check (insecure)
        </label>
        {skipSignature && <p className="drive-warning" data-testid="skip-signature-warning">Insecure: a Fedora image will be accepted even when Fedora’s signature is missing or wrong. Nothing then proves it is the image Fedora published. The card’s history will say so.</p>}
        <div className="row">
          <button type="submit" className="button primary" disabled={active || !source.trim()} data-testid="download-start">Download</button>
          {active && <button type="button" className="button" onClick={() => void downloadsStore.getState().cancel()} data-testid="download-cancel">Cancel</button>}
        </div>
      </form>
      {current && <DownloadProgress current={current} testId="download-progress" />}
      {error && <DownloadFailure error={error} testId="download-error" />}
    </div>
  );
}
