/**
 * What to call a written card or USB stick, and what to do with it, for the board it was written for:
 * first the network (Fedora IoT is used over it), then the board's own way to start: a PC starts from a
 * USB stick through its boot menu in UEFI mode (Secure Boot may refuse it) and runs Fedora IoT
 * from the stick; a Raspberry Pi starts from the card in its slot. Pure, so it is tested without
 * a browser.
 */
import type { Board } from '../../../../shared/domain/board';
import { deviceKind, mediumWords, type MediumWords } from '../../../../shared/domain/medium-words';

export { deviceKind, mediumWords, type DeviceKind, type MediumWords } from '../../../../shared/domain/medium-words';

/** What first-boot setup gave the device to log in with, and to reach the network on. */
export interface Login {
  user: string | null;
  /** The user has a password, so the console lets them in. */
  password: boolean;
  /** A Wi-Fi network was set up, so the device joins it by itself. */
  wifi?: boolean;
}

export interface DeviceWords {
  medium: MediumWords;
  steps: string[];
}

/** Boot menu keys of the common PC makers (their manuals); the firmware's own screen shows the right one. */
const BOOT_MENU_KEYS = 'F12 on most Dell, Lenovo and Acer machines, F10 on an Intel NUC, F11 on MSI, F8 or Esc on ASUS, Esc then F9 on HP';

function consoleLogin(login: Login, screen: string): string | null {
  if (!login.user) return null;
  if (login.password) return `${screen} log in as ${login.user} with the password you set.`;
  return `${login.user} has no password, so the console will not let them in: log in over SSH with the key you added.`;
}

function pcSteps(login: Login): string[] {
  return [
    `Plug the stick into the PC while it is off, switch it on and at once press its boot menu key: ${BOOT_MENU_KEYS}.`,
    'In the boot menu choose the stick’s UEFI entry (often “UEFI:” and the stick’s name): Fedora IoT starts in UEFI mode only, not in legacy BIOS (CSM) mode.',
    'If the PC refuses to start it (a Secure Boot message, or straight back to the menu), open its firmware settings (usually F2 or Del), turn Secure Boot off, and try again.',
    'Fedora IoT then runs from the stick itself: nothing is installed on the PC’s own disk, so leave the stick plugged in.',
    ...[consoleLogin(login, 'At the console,')].filter((s): s is string => s !== null),
  ];
}

function piSteps(board: Board, login: Login): string[] {
  return [
    `With the power off, put the card into the ${board.name}’s microSD slot, then connect the power: the Pi starts from the card.`,
    'Fedora IoT runs from the card, so leave it in.',
    ...[consoleLogin(login, 'With a screen and keyboard attached,')].filter((s): s is string => s !== null),
  ];
}

function stepsFor(board: Board | null, login: Login, many: boolean): string[] {
  const kind = deviceKind(board);
  if (kind === 'pc') return pcSteps(login);
  if (kind === 'raspberry-pi' && board) return piSteps(board, login);
  if (kind === 'uefi-arm') return ['Insert the card or USB stick, switch the machine on and choose it in the firmware’s boot menu (UEFI); it then runs Fedora IoT from it.'];
  if (kind === 'arm-board' && board) {
    const firmware = board.support === 'needs-firmware' ? ' Its own U-Boot must already be on SPI flash or eMMC (see the board’s notes).' : '';
    return [`Put the card in the ${board.name} and power it on.${firmware}`];
  }
  return [`Put ${many ? 'each one' : 'it'} in the device it is for and power it on.`];
}

/**
 * Fedora IoT has no desktop: it is used over the network, so the first step is the network. A
 * cable always works; Wi-Fi only where first-boot setup gave it a network to join.
 */
function networkStep(board: Board | null, login: Login, many: boolean): string {
  const device = board ? `the ${board.name}` : many ? 'each device' : 'the device';
  const cable = `Connect ${device} to your network: plug a network cable from your router into it`;
  return login.wifi ? `${cable}, or let it join the Wi-Fi network set up for its first boot.` : `${cable} (no Wi-Fi was set up for its first boot, so the cable is its way in).`;
}

export function deviceWords(board: Board | null, login: Login, many: boolean): DeviceWords {
  return { medium: mediumWords(board), steps: [networkStep(board, login, many), ...stepsFor(board, login, many)] };
}
