/**
 * OpenSSH public keys as they go into authorized_keys. A key pasted with a missing character or
 * the private key pasted by mistake locks the user out of a headless card, so keys are checked
 * here: a known type, base64 that decodes, and the type embedded in the blob matching the prefix.
 */
import { decodeBase64 } from './base64';
import { holdsPrivateKey, PRIVATE_KEY_WORDS } from './private-key';

/** Each key type and the number of SSH wire strings its blob holds (the type name included). */
const KEY_FIELDS: Record<string, number> = {
  'ssh-ed25519': 2,
  'ssh-rsa': 3,
  'ecdsa-sha2-nistp256': 3,
  'ecdsa-sha2-nistp384': 3,
  'ecdsa-sha2-nistp521': 3,
  'sk-ssh-ed25519@openssh.com': 3,
  'sk-ecdsa-sha2-nistp256@openssh.com': 4,
};
const KEY_TYPES = Object.keys(KEY_FIELDS);

/** What a key type looks like: repeated in a message only when it is one (never a run of key data). */
const TYPE_LIKE = /^[a-z][a-z0-9@.-]{0,39}$/;

/** The blob as SSH wire strings (uint32 length, then bytes), or null when a length runs past the end. */
function wireStrings(blob: Uint8Array): Uint8Array[] | null {
  const fields: Uint8Array[] = [];
  let at = 0;
  while (at < blob.length) {
    if (at + 4 > blob.length) return null;
    const length = ((blob[at]! << 24) | (blob[at + 1]! << 16) | (blob[at + 2]! << 8) | blob[at + 3]!) >>> 0;
    if (at + 4 + length > blob.length) return null;
    fields.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return fields;
}

/** Why `line` is not a usable public key, or null when it is. */
export function sshKeyProblem(line: string): string | null {
  const key = line.trim();
  if (key.length === 0) return 'is empty';
  if (holdsPrivateKey(key)) return PRIVATE_KEY_WORDS;
  if (/[\r\n]/.test(key)) return 'must be one line (one key per entry)';
  const [type, data] = key.split(/\s+/);
  if (!type || !KEY_TYPES.includes(type)) {
    const known = `(${KEY_TYPES.slice(0, 3).join(', ')}, …)`;
    return type && TYPE_LIKE.test(type) ? `starts with “${type}”, not a key type ${known}` : `does not start with a key type ${known}`;
  }
  if (!data) return `has the type ${type} but no key data after it`;
  const blob = decodeBase64(data);
  if (!blob) return 'has key data that is not valid base64 (was it cut or wrapped?)';
  const fields = wireStrings(blob);
  const inner = fields?.[0] && fields[0].length <= 64 ? String.fromCharCode(...fields[0]) : null;
  if (inner !== type) return `says ${type} but its data is ${inner ? `a ${inner} key` : 'not a key'} (was it cut?)`;
  if (fields!.length !== KEY_FIELDS[type]) return 'has key data that is incomplete or has extra bytes (was it cut?)';
  return null;
}
