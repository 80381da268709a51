/**
 * A private key given where a public key belongs (`--ssh-key @~/.ssh/id_ed25519`, a pasted or
 * uploaded file, a profile): recognised by its headers (OpenSSH, PEM/PKCS#8, SSH2, PuTTY) or by
 * the start of an OpenSSH key's body, and refused without repeating a byte of it: an error
 * message ends up in terminals, logs and screenshots.
 */

/** Said instead of any part of the key. */
export const PRIVATE_KEY_WORDS = 'is a private key: never share it. Use the matching .pub file (e.g. ~/.ssh/id_ed25519.pub)';

const PRIVATE_KEY_MARKS = [
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/, // OpenSSH, PEM (RSA, EC, DSA) and PKCS#8, encrypted or not
  /---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----/,
  /^PuTTY-User-Key-File-\d+:/m,
  /^Private-Lines: \d+/m,
  // "openssh-key-v1\0" in base64: the first line of an OpenSSH key's body, pasted without its header.
  /^\s*b3BlbnNzaC1rZXktdjE/m,
];

/** Whether `text` (a line, a field or a whole file) holds private key material. */
export function holdsPrivateKey(text: string): boolean {
  return PRIVATE_KEY_MARKS.some((mark) => mark.test(text));
}
