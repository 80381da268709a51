/**
 * The readers a Fedora IoT device uses for what the card carries, or the closest Debian packages:
 * NetworkManager's own keyfile reader (libnm's nm_keyfile_read, through python3-gi and
 * gir1.2-nm-1.0, on GLib's GKeyFile), `ssh-keygen -l` for authorized keys, `systemd-analyze
 * verify` for units, and a POSIX shell for the environment files systemd reads (locale.conf and
 * vconsole.conf are defined as shell-compatible).
 */
import { spawnSync } from 'node:child_process';
import { ciSkip } from './skip';
import { commandsSkipReason } from './system';

const PYTHON = '/usr/bin/python3';

/** Why NetworkManager's reader cannot run here (CI installs python3-gi and gir1.2-nm-1.0), or null. */
export function nmReaderSkipReason(): string | null {
  const probe = spawnSync(PYTHON, ['-c', "import gi; gi.require_version('NM', '1.0'); from gi.repository import NM; NM.keyfile_read"], { stdio: 'ignore' });
  if (probe.status !== 0) return ciSkip("no libnm for Debian's /usr/bin/python3 (apt-get install python3-gi gir1.2-nm-1.0)");
  return commandsSkipReason('ssh-keygen', 'systemd-analyze');
}

/** What NetworkManager makes of a keyfile, and what plain GKeyFile reads in every key. */
export interface NmConnection {
  id: string | null;
  type: string | null;
  /** The SSID's bytes, as hex. */
  ssidHex: string | null;
  psk: string | null;
  keyMgmt: string | null;
  addresses: string[];
  gateway: string | null;
  dns: string[];
  interfaceName: string | null;
  /** GLib's g_key_file_get_string for every key, or the error it gives. */
  glib: Record<string, Record<string, string | { error: string }>>;
}

const NM_READER = String.raw`
import gi, json, sys
gi.require_version('NM', '1.0')
from gi.repository import GLib, NM
data = sys.stdin.buffer.read()
kf = GLib.KeyFile()
kf.load_from_bytes(GLib.Bytes.new(data), GLib.KeyFileFlags.NONE)
glib = {}
for group in kf.get_groups()[0]:
    glib[group] = {}
    for key in kf.get_keys(group)[0]:
        try:
            glib[group][key] = kf.get_string(group, key)
        except GLib.Error as e:
            glib[group][key] = {'error': e.message}
c = NM.keyfile_read(kf, '/etc/NetworkManager/system-connections', NM.KeyfileHandlerFlags.NONE, None, None)
s = c.get_setting_connection(); w = c.get_setting_wireless(); sec = c.get_setting_wireless_security(); ip = c.get_setting_ip4_config()
out = {
  'id': s.get_id(), 'type': s.get_connection_type(), 'interfaceName': s.get_interface_name(),
  'ssidHex': w.get_ssid().get_data().hex() if w and w.get_ssid() else None,
  'psk': sec.get_psk() if sec else None, 'keyMgmt': sec.get_key_mgmt() if sec else None,
  'addresses': ['%s/%d' % (ip.get_address(i).get_address(), ip.get_address(i).get_prefix()) for i in range(ip.get_num_addresses())] if ip else [],
  'gateway': ip.get_gateway() if ip else None, 'dns': [ip.get_dns(i) for i in range(ip.get_num_dns())] if ip else [],
  'glib': glib,
}
print(json.dumps(out))
`;

/** Reads keyfile bytes as NetworkManager does; throws with libnm's words when it refuses them. */
export function readNmKeyfile(bytes: Buffer): NmConnection {
  const run = spawnSync(PYTHON, ['-c', NM_READER], { input: bytes, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`NetworkManager's reader refused the keyfile: ${run.stderr.trim().split('\n').at(-1)}`);
  return JSON.parse(run.stdout) as NmConnection;
}

/** `KEY` as a POSIX shell (and so systemd's environment-file reader) reads it from `file`. */
export function readEnvFileValue(file: string, key: string): string {
  const run = spawnSync('/bin/sh', ['-c', `set -e; . "$1"; printf '%s' "$${key}"`, 'sh', file], { encoding: 'utf8', env: {} });
  if (run.status !== 0) throw new Error(`sh could not read ${file}: ${run.stderr}`);
  return run.stdout;
}

/** Each key's fingerprint and comment as `ssh-keygen -l` reads an authorized_keys file (`-`: `input`). */
export function sshKeygenList(file: string, input?: string): Array<{ fingerprint: string; comment: string }> {
  const run = spawnSync('ssh-keygen', ['-l', '-f', file], { encoding: 'utf8', input });
  if (run.status !== 0) throw new Error(`ssh-keygen -l refused ${file}: ${run.stderr}`);
  return run.stdout.trim().split('\n').map((line) => {
    const match = /^\d+ (\S+) (.*) \((\w+)\)$/.exec(line);
    if (!match) throw new Error(`unexpected ssh-keygen line: ${line}`);
    return { fingerprint: match[1]!, comment: match[2]! };
  });
}

/** What `systemd-analyze verify` says of a unit file (empty: nothing to say). */
export function systemdVerify(unitFile: string): string {
  const run = spawnSync('systemd-analyze', ['verify', '--man=no', unitFile], { encoding: 'utf8' });
  return `${run.status === 0 ? '' : `exit ${run.status}\n`}${run.stderr}${run.stdout}`.trim();
}
