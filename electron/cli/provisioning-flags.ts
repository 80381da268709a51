/**
 * The provisioning flags shared by `flash`, `provision`, `ignition` and `build` (docs/cli.md).
 * Commands spread `provisioningOptions` into their util.parseArgs options and hand the parsed
 * values to `profileFromFlags`.
 */
export const provisioningOptions = {
  profile: { type: 'string' },
  ignition: { type: 'string' },
  'ignition-url': { type: 'string' },
  'zezere-url': { type: 'string' },
  hostname: { type: 'string' },
  user: { type: 'string' },
  'password-hash': { type: 'string' },
  'ssh-key': { type: 'string', multiple: true },
  'wifi-ssid': { type: 'string' },
  'wifi-psk-file': { type: 'string' },
  timezone: { type: 'string' },
  'bootc-switch': { type: 'string' },
  'counter-start': { type: 'string' },
} as const;
