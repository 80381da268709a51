/**
 * How long a typed login password may be. Fedora checks passwords with libxcrypt, whose crypt()
 * refuses a passphrase of CRYPT_MAX_PASSPHRASE_SIZE (512) bytes or more counting the final NUL: a
 * longer password could never be typed at the card's login. The bound also caps the work of
 * sha512-crypt, whose cost grows with the square of the password's length.
 */
export const PASSWORD_MAX_BYTES = 511;

/** The password's length in UTF-8 bytes, as crypt() counts it. */
export const passwordBytes = (password: string): number => new TextEncoder().encode(password).length;

export const passwordTooLongMessage = `password: is longer than ${PASSWORD_MAX_BYTES} bytes; Fedora's login cannot check a longer password`;
