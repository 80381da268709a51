/**
 * NetworkManager keyfiles (Fedora IoT's network stack): Wi-Fi as arm-image-installer sets it up,
 * and a static IPv4 address for the wired port. No uuid line: NetworkManager derives a stable one
 * from the file name, which keeps the generated config (and its preview) deterministic.
 */
import type { StaticIpSettings, WifiSettings } from './profile';

export const NM_CONNECTIONS_DIR = '/etc/NetworkManager/system-connections';

/**
 * A string as GLib's key file parser reads it back (NetworkManager reads keyfiles with it): it
 * knows only the escapes \s \n \t \r \\ (any other, such as \;, makes the value unreadable),
 * and drops leading spaces, so a leading space is written \s. `;` and trailing spaces stay as
 * they are, as NetworkManager itself writes them.
 */
export function keyfileString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/^ /, '\\s');
}

/**
 * An SSID as NetworkManager's keyfile reader takes it: a GLib string in which `;` is written
 * \; (unescaped by NetworkManager itself), because a value such as 12;34; would otherwise be read
 * as a list of byte values.
 */
export function keyfileSsid(ssid: string): string {
  return keyfileString(ssid).replace(/;/g, '\\;');
}

export function connectionFileName(id: string): string {
  return `${id.replace(/[^A-Za-z0-9_-]/g, '_') || 'connection'}.nmconnection`;
}

function sections(parts: Record<string, Array<[string, string | undefined]>>): string {
  return Object.entries(parts)
    .map(([name, entries]) => [`[${name}]`, ...entries.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`)].join('\n'))
    .join('\n\n') + '\n';
}

export function wifiKeyfile(wifi: WifiSettings): { path: string; contents: string } {
  const security: Array<[string, string | undefined]> = wifi.security === 'none' ? [] : [['key-mgmt', wifi.security], ['psk', keyfileString(wifi.psk ?? '')]];
  const contents = sections({
    connection: [['id', keyfileString(wifi.ssid)], ['type', 'wifi'], ['autoconnect', 'true']],
    wifi: [['mode', 'infrastructure'], ['ssid', keyfileSsid(wifi.ssid)], ['hidden', wifi.hidden ? 'true' : undefined]],
    ...(security.length ? { 'wifi-security': security } : {}),
    ipv4: [['method', 'auto']],
    ipv6: [['addr-gen-mode', 'default'], ['method', 'auto']],
  });
  return { path: `${NM_CONNECTIONS_DIR}/${connectionFileName(`wifi-${wifi.ssid}`)}`, contents };
}

export function staticIpKeyfile(ip: StaticIpSettings): { path: string; contents: string } {
  const address = ip.gateway ? `${ip.address},${ip.gateway}` : ip.address;
  const contents = sections({
    // Higher priority than the image's default DHCP profile, so this one wins on the wired port.
    connection: [['id', 'wired-static'], ['type', 'ethernet'], ['autoconnect', 'true'], ['autoconnect-priority', '10'], ['interface-name', ip.interface]],
    ethernet: [],
    ipv4: [['method', 'manual'], ['address1', address], ['dns', ip.dns.length ? ip.dns.join(';') + ';' : undefined]],
    ipv6: [['addr-gen-mode', 'default'], ['method', 'auto']],
  });
  return { path: `${NM_CONNECTIONS_DIR}/${connectionFileName('wired-static')}`, contents };
}
