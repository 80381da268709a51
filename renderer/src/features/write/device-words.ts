/**
 * What to do with a written card or stick, for the board it was written for: a PC starts from a
 * USB stick through its boot menu in UEFI mode (Secure Boot may refuse it) and runs Fedora IoT
 * from the stick; a Raspberry Pi starts from the card in its slot. Pure, so it is tested without
 * a browser.
 */
import type { Board } from '../../../../shared/domain/board';

export type DeviceKind = 'pc' | 'raspberry-pi' | 'uefi-arm' | 'arm-board' | 'unknown';

export function deviceKind(board: Board | null): DeviceKind {
  if (!board) return 'unknown';
  if (board.arch === 'x86_64') return 'pc';
  if (board.id.startsWith('rpi')) return 'raspberry-pi';
  if (board.deliveries.includes('bootc-built-raw')) return 'uefi-arm';
  return 'arm-board';
}

/** What first-boot setup gave the device to log in with. */
export interface Login {
  user: string | null;
  /** The user has a password, so the console lets them in. */
  password: boolean;
}

export interface DeviceWords {
  /** `card` or `stick`, for "Safe to remove. Take the stick out." */
  medium: 'card' | 'stick';
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

export function deviceWords(board: Board | null, login: Login, many: boolean): DeviceWords {
  const kind = deviceKind(board);
  if (kind === 'pc') return { medium: 'stick', steps: pcSteps(login) };
  if (kind === 'raspberry-pi' && board) return { medium: 'card', steps: piSteps(board, login) };
  if (kind === 'uefi-arm') {
    return { medium: 'card', steps: ['Insert the card or stick, switch the machine on and choose it in the firmware’s boot menu (UEFI); it then runs Fedora IoT from it.'] };
  }
  if (kind === 'arm-board' && board) {
    const firmware = board.support === 'needs-firmware' ? ' Its own U-Boot must already be on SPI flash or eMMC (see the board’s notes).' : '';
    return { medium: 'card', steps: [`Put the card in the ${board.name} and power it on.${firmware}`] };
  }
  return { medium: 'card', steps: [`Put ${many ? 'each card' : 'it'} in the board and power it on.`] };
}
