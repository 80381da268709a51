/**
 * Error codes that cross process boundaries, each with the words a person reads.
 * Errors travel as data ({ code, message, hint }) and are rebuilt as FiotError on the other side,
 * so the UI, the CLI and the station all say the same thing for the same failure.
 */
import { z } from 'zod';

export const errorCatalog = {
  USAGE: { title: 'That command is not quite right', hint: 'Run the command with --help to see what it takes.' },
  INVALID_INPUT: { title: 'Some input is not valid', hint: 'Correct the field named in the message and try again.' },
  SOURCE_NOT_FOUND: { title: 'The image file was not found', hint: 'Check the path, or pick the file again.' },
  SOURCE_UNREADABLE: { title: 'The image file cannot be read', hint: 'Check the file permissions, or copy it somewhere you can read.' },
  SOURCE_UNKNOWN_FORMAT: { title: 'This is not a disk image this app can write', hint: 'Use a .raw or .img disk image, plain or compressed with xz, gzip, bzip2, zstd or zip.' },
  SOURCE_CORRUPT: { title: 'The image file is damaged or incomplete', hint: 'Download the image again; if you have its checksum, check it.' },
  CHECKSUM_MISMATCH: { title: 'The image does not match its checksum', hint: 'The file is damaged or not the one expected. Download it again.' },
  SIGNATURE_INVALID: { title: 'The image’s signature could not be verified', hint: 'Do not use this file: download it again from a Fedora mirror. If you signed the image yourself, add your public key to the keys folder of the settings directory.' },
  SIGNATURE_MISSING: { title: 'Fedora’s signed list of checksums (its CHECKSUM file) for this image was not found', hint: 'The server answered, but without that list. Try again later, or pick another version from the catalog.' },
  CHECKSUM_UNLISTED: { title: 'Fedora’s list of checksums (its CHECKSUM file) does not name this image', hint: 'The image is not one Fedora published. Pick an image from the catalog.' },
  SHA256_MISSING: { title: 'There is no checksum to check this image against', hint: 'Refresh the catalog (the copy shown may be old), or download the image by its address with the checksum (sha256) its publisher gives.' },
  OFFLINE: { title: 'No network: the server could not be reached', hint: 'Check that this computer is connected to the internet (Wi-Fi or cable), then try again. An image file you already have can be written without a network.' },
  LOCAL_ADDRESS_REFUSED: { title: 'The station does not download from its own machine', hint: 'To let it fetch from its own machine (a mirror served there), start the station with fiot-flash station --fetch-local; or give the address of a server on the network.' },
  NOT_ON_MIRROR: { title: 'Your mirror does not have this image', hint: 'Copy the release onto your mirror, in the same folders as Fedora’s, or choose a release it has.' },
  INSECURE_REDIRECT: { title: 'A secure download was redirected to plain http', hint: 'The server or a network in between tried to downgrade the connection. Use another mirror or network.' },
  CACHE_CORRUPT: { title: 'The cached copy of the image is damaged', hint: 'It was removed from the cache, and the card was left without a partition table: flash again, which fetches the image afresh.' },
  TARGET_NOT_FOUND: { title: 'The drive is not there', hint: 'Check that the card or stick is plugged in, then refresh the list of drives.' },
  TARGET_SYSTEM: { title: 'That is a system drive', hint: 'Writing it would destroy your computer’s operating system. Choose a removable card or stick.' },
  TARGET_READ_ONLY: { title: 'The drive is write-protected', hint: 'Slide the lock switch on the SD card (or its adapter) away from “lock” and plug it in again.' },
  TARGET_TOO_SMALL: { title: 'The drive is too small for this image', hint: 'Use a larger card or USB stick.' },
  TARGET_COUNTERFEIT: { title: 'This card holds less than it claims', hint: 'Whatever is written past that point is lost: retry it, or use another card. A card that fails again should not be used.' },
  DUPLICATE_HOSTNAME: { title: 'A card already has this name', hint: 'The history holds a card with this hostname. Confirm to write it again, or continue the numbering.' },
  TABLE_EXHAUSTED: { title: 'The device table has no unused rows left', hint: 'Add rows to the table, or use another table.' },
  TARGET_IS_SOURCE: { title: 'The drive holds the image being written', hint: 'Copy the image elsewhere, or choose another drive.' },
  TARGET_LARGE: { title: 'The drive is unusually large for a card', hint: 'Check that it is the card or stick you mean to erase, not a backup or data disk.' },
  TARGET_BUSY: { title: 'The drive is in use', hint: 'Close programs using the drive and unmount it, then try again.' },
  SESSION_CARD: { title: 'The card belongs to the card bench', hint: 'The card bench writes every card inserted while it is on. Switch it off (Card bench) to write this card by hand, or let the bench write it.' },
  SESSION_RUNNING: { title: 'The card bench is already on', hint: 'Its image, first-boot settings and device table stay fixed while it is on: switch it off, then on again with the new ones.' },
  ALREADY_WRITTEN: { title: 'The card bench already wrote this card', hint: 'While it is on, the card bench writes each card once, so a card put back in spends no row or name.' },
  BENCH_OFF: { title: 'The card bench was switched off before this card was written', hint: 'Take it out; switch the card bench on and put the card back in to write it.' },
  PRESENT_AT_START: { title: 'The card was in a reader before the card bench was switched on', hint: 'Take it out and put it back in to write it with the card bench.' },
  CARD_CHANGED: { title: 'This is not the card that failed', hint: 'Another card is in that reader now. Put the failed card back to retry it, or confirm that this card may be erased.' },
  STATE_NOT_SAVED: { title: 'The app could not save what it handed out', hint: 'Free space or fix the permissions of the settings folder named in the message, then start again; until then the next card could get the same name or row.' },
  TOO_MANY_JOBS: { title: 'Too many cards are being written at once', hint: 'Wait for a running job to finish, then start this one.' },
  TARGET_GONE: { title: 'The drive was removed while writing', hint: 'Plug it in again and write it again; its contents are incomplete.' },
  WRITE_FAILED: { title: 'Writing to the drive failed', hint: 'The card may be worn out or faulty. Try another card.' },
  VERIFY_FAILED: { title: 'This card failed verification', hint: 'It does not hold what was written: retry it, or use another card. A card that fails again should not be used.' },
  FILE_NOT_GIVEN: { title: 'The app may not use that file', hint: 'Choose the file in the app itself: the app uses only the files you choose there.' },
  PERMISSION_DENIED: { title: 'Permission to write the drive was refused', hint: 'Approve the administrator prompt, or run the command with sudo.' },
  NOT_CONFIRMED: { title: 'Nothing was written: erasing was not confirmed', hint: 'Run it again and type yes when asked, or add --yes in a script once you are sure of the drive.' },
  CANCELLED: { title: 'Cancelled', hint: 'A card or USB stick left unfinished is incomplete: write it again before using it.' },
  NETWORK: { title: 'The network request failed', hint: 'Check your connection and try again.' },
  PROXY_REFUSED: { title: 'The proxy refused the connection', hint: 'Check the proxy address (the proxy setting, HTTPS_PROXY or HTTP_PROXY), its user name and password, and that it allows this site; a host that must be reached directly goes in NO_PROXY.' },
  DISK_FULL: { title: 'The disk is full', hint: 'Free some space (fiot-flash cache prune removes cached images), then try again; the download resumes where it stopped.' },
  NOT_FEDORA_IOT: { title: 'This image is not a Fedora IoT image', hint: 'Provisioning needs a Fedora IoT raw image with an ext4 partition labelled “boot”.' },
  IMAGE_BOARD_MISMATCH: { title: 'This image will not start on the chosen board', hint: 'Choose the image made for this board, or the board this image is for. If you are sure, write it anyway (--ignore-board).' },
  ZEZERE_UNSUPPORTED: { title: 'This image cannot use Zezere', hint: 'Fedora IoT images since February 2025 do not ship zezere-ignition. Use an Ignition config or URL instead.' },
  BUILD_FAILED: { title: 'Building the image failed', hint: 'Read the build log for the first error.' },
  PREFLIGHT_FAILED: { title: 'This machine cannot do that yet', hint: 'Follow the fix in the message, then try again.' },
  NOT_FOUND: { title: 'Not found', hint: 'Check the name and try again.' },
  ON_CARD_FAILED: { title: 'The on-card command failed', hint: 'The cards themselves are as reported. Fix the command (or what it talks to, such as the label printer), then run it again for the cards named.' },
  CONFIG_DAMAGED: { title: 'A file in the app’s settings folder is damaged', hint: 'Fix the file named in the message, or remove it (removed numbering starts again at 1: give --counter-start then).' },
  CONFIG_UNSAFE: { title: 'The app’s settings folder is not private', hint: 'Make the folder yours and writable by you alone (chmod 700 FOLDER), or point FIOT_CONFIG_DIR at a folder that is.' },
  CONFIG_TOO_LARGE: { title: 'The Ignition config does not fit the image’s boot partition', hint: 'Make the config smaller: let Ignition fetch large files at first boot (a file’s contents.source URL) instead of embedding them.' },
  INTERNAL: { title: 'Something went wrong inside the app', hint: 'Try again; if it keeps happening, report it with the message below.' },
} as const satisfies Record<string, { title: string; hint: string }>;

export type ErrorCode = keyof typeof errorCatalog;

/**
 * The command line's own way out, added to the hint where a flag is the answer. The app never
 * shows these: it has no flags, and skipping a check is never its first suggestion.
 */
export const cliNextSteps: Partial<Record<ErrorCode, string>> = {
  SIGNATURE_INVALID: 'Only if you trust where the image comes from: --insecure-skip-signature.',
  SIGNATURE_MISSING: 'Only if you trust where the image comes from: --insecure-skip-signature.',
  CHECKSUM_UNLISTED: 'Only if you trust where the image comes from: --insecure-skip-signature.',
  SHA256_MISSING: 'Give the publisher’s checksum with --sha256 HEX.',
};

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  hint?: string;
}

/**
 * An error as data inside another message (a card's result, a download, a build, a history entry,
 * the writer's answer). Its code stays a string: a history file or a writer from another version
 * may name a code this one lacks, and readers fall back through isErrorCode.
 */
export const errorInfoSchema = z.object({ code: z.string(), message: z.string(), hint: z.string().optional() });

export class FiotError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;

  constructor(code: ErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'FiotError';
    this.code = code;
    this.hint = hint ?? errorCatalog[code].hint;
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message, hint: this.hint };
  }

  static from(info: ErrorInfo): FiotError {
    return new FiotError(info.code, info.message, info.hint);
  }
}

/** Any thrown value as ErrorInfo; unknown errors become INTERNAL with their message kept. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof FiotError) return error.toInfo();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message, hint: errorCatalog.INTERNAL.hint };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(errorCatalog, value);
}
