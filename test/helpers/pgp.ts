/** A throwaway OpenPGP signing key for tests, and clear-signing with it (as Fedora signs CHECKSUM files). */
import { createCleartextMessage, generateKey, readPrivateKey, sign } from 'openpgp';

export interface TestKey {
  publicArmored: string;
  clearSign(text: string): Promise<string>;
}

export async function makeTestKey(name = 'Fiot Test Signing Key'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKey({ type: 'curve25519', userIDs: [{ name, email: 'test@example.invalid' }], format: 'armored' });
  const key = await readPrivateKey({ armoredKey: privateKey });
  return {
    publicArmored: publicKey,
    clearSign: async (text) => sign({ message: await createCleartextMessage({ text }), signingKeys: key, format: 'armored' }) as Promise<string>,
  };
}
