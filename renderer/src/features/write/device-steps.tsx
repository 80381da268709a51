/**
 * The first lines of "What next": the card or stick is safe to remove, the device goes on the
 * network, and how the device chosen at the image step starts from it (a PC's boot menu, UEFI, Secure Boot; a Pi's card slot), and
 * how to log in at its console.
 */
import type { Board } from '../../../../shared/domain/board';
import type { FlashRequest } from '../../../../shared/domain/flash';
import { profileSchema } from '../../../../shared/provisioning';
import { deviceKind, deviceWords, type Login } from './device-words';

function loginOf(request: FlashRequest | null): Login {
  const parsed = request?.provisioning === undefined ? null : profileSchema.safeParse(request.provisioning);
  const user = parsed?.success ? parsed.data.users?.[0] : undefined;
  return { user: user?.name || null, password: Boolean(user?.passwordHash), wifi: Boolean(parsed?.success && parsed.data.wifi) };
}

/** `board`: the one the request named (chosen at the image step), null when none was. */
export function DeviceSteps({ request, board, many }: { request: FlashRequest | null; board: Board | null; many: boolean }) {
  const { medium, steps } = deviceWords(board, loginOf(request), many);
  const things = many ? medium.many : medium.one;
  return (
    <>
      <p data-testid="safe-to-remove">
        <strong>Safe to remove.</strong> Take the {things} out.
      </p>
      <ol className="device-steps" aria-label={board ? `Starting the ${board.name}` : 'Starting the device'} data-testid="device-steps" data-kind={deviceKind(board)}>
        {steps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
    </>
  );
}
