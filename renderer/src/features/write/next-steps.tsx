/**
 * After a good write, what to do with the cards now: they are safe to remove; how to reach each
 * one (its hostname and the `ssh` line, when first-boot setup named a user); what the first boot
 * does and roughly how long it takes; and where Fedora IoT's documentation is. External links open
 * in the user's browser through the app's https-only check (the window-open handler).
 */
import type { Board } from '../../../../shared/domain/board';
import type { FlashRequest, FlashResult } from '../../../../shared/domain/flash';
import { profileSchema } from '../../../../shared/provisioning';
import { DeviceSteps } from './device-steps';
import { mediumWords } from './device-words';
import { FEDORA_IOT_DOCS } from '../catalog/what-is-fedora-iot';

/** What the first-boot setup written with this job sets up, read back from the request itself. */
export function firstBootWritten(request: FlashRequest | null): { user: string | null; fetchedFrom: string | null } | null {
  if (request?.provisioning === undefined) return null;
  const parsed = profileSchema.safeParse(request.provisioning);
  if (!parsed.success) return null;
  const profile = parsed.data;
  return { user: profile.users?.[0]?.name || null, fetchedFrom: profile.ignitionUrl ?? profile.zezereUrl ?? null };
}

/** The command that logs in to a card: mDNS names end in .local on the same network. */
export function sshLine(user: string, hostname: string | undefined): string {
  return `ssh ${user}@${hostname ? `${hostname}.local` : 'ADDRESS'}`;
}

interface NextStepsProps {
  request: FlashRequest | null;
  targets: FlashResult['targets'];
  /** The board the cards were written for, when one was chosen: the first steps speak of it. */
  board?: Board | null;
}

export function NextSteps({ request, targets, board = null }: NextStepsProps) {
  const setup = firstBootWritten(request);
  const user = setup?.user ?? null;
  const many = targets.length > 1;
  const medium = mediumWords(board);
  const it = many ? `every ${medium.one}` : `the ${medium.one}`;
  return (
    <section className="next-steps stack" aria-labelledby="next-steps-title" data-testid="next-steps">
      <h2 id="next-steps-title">What next</h2>
      <DeviceSteps request={request} board={board} many={many} />
      {setup ? (
        <p data-testid="first-boot-written">
          First-boot setup was written to {it}
          {setup.fetchedFrom ? `: on its first boot it fetches its setup from ${setup.fetchedFrom}.` : '.'} On the first boot Fedora IoT grows its
          filesystem to fill the {medium.one} and Ignition applies the setup written here; this takes a few minutes, longer than any
          later boot. Then it is on the network.
        </p>
      ) : (
        <p data-testid="first-boot-none">
          No first-boot setup was written: {it} starts the system as the image ships, with no user to log in as. Connect a screen and keyboard to set one up,
          or write {it} again with first-boot setup.
        </p>
      )}
      {user && (
        <ul className="plain-list login-list" aria-label="How to log in">
          {targets.map((target) => (
            <li key={target.device} data-testid="ssh-line" data-device={target.device}>
              {target.hostname && <span>Find it at <strong>{target.hostname}.local</strong>, then log in with </span>}
              {!target.hostname && <span>Find its address on your router, then log in with </span>}
              <code className="mono">{sshLine(user, target.hostname)}</code>
            </li>
          ))}
        </ul>
      )}
      {user && targets.some((target) => target.hostname) && <p className="muted small" data-testid="mdns-hint">A name ending in .local is found on the same network through mDNS; if it is not, use the address your router gave the board.</p>}
      <p>
        <a href={FEDORA_IOT_DOCS} target="_blank" rel="noreferrer" data-testid="fedora-iot-docs">
          Fedora IoT documentation
        </a>
        <span className="muted">: first steps, updating the system (rpm-ostree), running containers (podman).</span>
      </p>
    </section>
  );
}
