/**
 * The Ignition config as it may be shown on screen: the same JSON, with the secrets it carries
 * (password hashes, Wi-Fi passphrases inside NetworkManager keyfiles) replaced by a mask. What is
 * written to the card is never masked; only what a screen, a screenshot or a shoulder sees is.
 */
import { fromDataUrl, toDataUrl } from './data-url';
import { ignitionText, type IgnitionConfig } from './generate-ignition';

export const SECRET_MASK = '********';

/** A keyfile's secret lines (`psk=`, `password=`), masked; other text unchanged. */
function maskKeyfileSecrets(text: string): string {
  return text.replace(/^(psk|password|wep-key\d)=.*$/gm, `$1=${SECRET_MASK}`);
}

export function maskIgnitionSecrets(configText: string): string {
  let config: IgnitionConfig;
  try {
    config = JSON.parse(configText) as IgnitionConfig;
  } catch {
    // Not ours to show: better nothing than an unmasked secret.
    return '';
  }
  for (const user of config.passwd?.users ?? []) {
    if (user.passwordHash) user.passwordHash = SECRET_MASK;
  }
  for (const file of config.storage?.files ?? []) {
    const text = file.path.endsWith('.nmconnection') ? fromDataUrl(file.contents.source) : null;
    if (text !== null) file.contents.source = toDataUrl(maskKeyfileSecrets(text));
  }
  return ignitionText(config);
}
