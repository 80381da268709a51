/**
 * The Fedora keys shipped in assets/keys/, by fingerprint: the repository's record of what those
 * files must hold (a test compares them), and the short name a person recognises ("Fedora 44")
 * when a CHECKSUM file was signed by one of them.
 */
export interface ShippedKey {
  file: string;
  fingerprint: string;
  name: string;
}

export const fedoraKeys: readonly ShippedKey[] = [
  { file: 'fedora-40-primary.asc', fingerprint: '115DF9AEF857853EE8445D0A0727707EA15B79CC', name: 'Fedora 40' },
  { file: 'fedora-41-primary.asc', fingerprint: '466CF2D8B60BC3057AA9453ED0622462E99D6AD1', name: 'Fedora 41' },
  { file: 'fedora-42-primary.asc', fingerprint: 'B0F4950458F69E1150C6C5EDC8AC4916105EF944', name: 'Fedora 42' },
  { file: 'fedora-43-primary.asc', fingerprint: 'C6E7F081CF80E13146676E88829B606631645531', name: 'Fedora 43' },
  { file: 'fedora-44-primary.asc', fingerprint: '36F612DCF27F7D1A48A835E4DBFCF71C6D9F90A6', name: 'Fedora 44' },
  { file: 'fedora-45-primary.asc', fingerprint: '4F50A6114CD5C6976A7F1179655A4B02F577861E', name: 'Fedora 45' },
  { file: 'fedora-46-primary.asc', fingerprint: 'D924B10D3E810DABDD8B56B596E7E91491211FCE', name: 'Fedora 46' },
  { file: 'fedora-47-primary.asc', fingerprint: 'B2E766FA50CA6FA2D5ED06FC09D879E09488FB64', name: 'Fedora 47' },
  { file: 'fedora-iot-2019.asc', fingerprint: 'C2A3FA9DC67F68B98BB543F47BB90722DBBDCF7C', name: 'Fedora IoT 2019' },
];

/** "Fedora 44" for a shipped key, else the key's own user id. */
export function signerName(fingerprint: string, userId: string): string {
  return fedoraKeys.find((k) => k.fingerprint === fingerprint.toUpperCase())?.name ?? userId;
}
