/**
 * "What is Fedora IoT?" where a newcomer starts: a few plain lines, folded away until asked for,
 * on what they are about to write. Someone who expects a desktop otherwise meets a bare login
 * prompt on the screen and thinks the card failed; the next steps (the network, SSH) only make
 * sense once they know the device is used from another computer.
 */
export const FEDORA_IOT_DOCS = 'https://docs.fedoraproject.org/en-US/iot/';

export function WhatIsFedoraIot() {
  return (
    <details className="what-is-fedora-iot small" data-testid="what-is-fedora-iot">
      <summary>What is Fedora IoT?</summary>
      <ul className="plain-list">
        <li>A version of Fedora Linux for small computers that do one job unattended: a Raspberry Pi on a shelf, an old laptop as a home server, a gateway in a cabinet.</li>
        <li><strong>It has no desktop.</strong> A screen shows a text login at most: you use it from another computer over the network, with SSH (a terminal command such as <code className="mono">ssh core@my-pi.local</code>) or in a web browser with Cockpit, a web console you can add to it.</li>
        <li>Programs run in containers (with podman). Updates replace the whole system at once, and if an updated system does not start, the device goes back to the version it had before.</li>
        <li>
          <a href={FEDORA_IOT_DOCS} target="_blank" rel="noreferrer">Fedora IoT documentation</a>
          <span className="muted">: what it is, first steps, updates.</span>
        </li>
      </ul>
    </details>
  );
}
