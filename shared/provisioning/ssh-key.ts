/**
 * OpenSSH public keys as they go into authorized_keys. A key pasted with a missing character or
 * the private key pasted by mistake locks the user out of a headless card, so keys are checked
 * here: a known type, base64 that decodes, and the type embedded in the blob matching the prefix.
 */
import { decodeBase64 } from './base64';

const KEY_TYPES = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
];

/** The first field of the key blob: a uint32 length, then the type name. */
function embeddedType(blob: Uint8Array): string | null {
  if (blob.length < 4) return null;
  const length = ((blob[0]! << 24) | (blob[1]! << 16) | (blob[2]! << 8) | blob[3]!) >>> 0;
  if (length === 0 || length > 64 || 4 + length > blob.length) return null;
  return String.fromCharCode(...blob.subarray(4, 4 + length));
}

/** Why `line` is not a usable public key, or null when it is. */
export function sshKeyProblem(line: string): string | null {
  const key = line.trim();
  if (key.length === 0) return 'is empty';
  if (key.includes('PRIVATE KEY')) return 'is a private key; paste the public key (the .pub file) instead';
  if (/[\r\n]/.test(key)) return 'must be one line (one key per entry)';
  const [type, data] = key.split(/\s+/);
  if (!type || !KEY_TYPES.includes(type)) {
    return `starts with “${(type ?? '').slice(0, 40)}”, not a key type (${KEY_TYPES.slice(0, 3).join(', ')}, …)`;
  }
  if (!data) return `has the type ${type} but no key data after it`;
  const blob = decodeBase64(data);
  if (!blob) return 'has key data that is not valid base64 (was it cut or wrapped?)';
  const inner = embeddedType(blob);
  if (inner !== type) return `says ${type} but its data is ${inner ? `a ${inner} key` : 'not a key'} (was it cut?)`;
  return null;
}
