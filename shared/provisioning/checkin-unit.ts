/**
 * What a card carries to say it came up: a one-shot unit and a small bash script, both written by
 * Ignition, that post one report to the app once the network is online, then remove themselves
 * and the token. Only what a Fedora IoT image has: bash, curl, iproute's `ip`; no python.
 * The report is form-encoded by curl itself (`--data-urlencode`), so no value needs quoting here.
 */
import { CHECKIN_PATH } from '../domain/checkin';

export const CHECKIN_UNIT = 'fiot-checkin.service';
export const CHECKIN_DIR = '/etc/fiot-checkin';
export const CHECKIN_SCRIPT = `${CHECKIN_DIR}/report.sh`;
/** The token, as the header line curl reads with `-H @file`: never on a command line (ps shows those). */
export const CHECKIN_AUTH_FILE = `${CHECKIN_DIR}/authorization`;
export const CHECKIN_CA_FILE = `${CHECKIN_DIR}/station.pem`;

/** One card's check-in: where to report, which certificate to trust, and its own token. */
export interface CheckinCard {
  /** https://ADDRESS:PORT, the app's check-in listener. */
  origin: string;
  /** The listener's certificate (PEM): curl trusts only it. */
  caCert: string;
  /** `sha256//BASE64` of the certificate's public key: curl refuses any other key. */
  pinnedPubkey: string;
  token: string;
  jobId: string;
  card: number;
}

export interface CheckinFile {
  path: string;
  mode: number;
  text: string;
}

/** Values put into the script between single quotes: they must not be able to end the quote. */
const SAFE_VALUE = /^[A-Za-z0-9:/.[\]+=_-]+$/;

function quoted(name: string, value: string): string {
  if (!SAFE_VALUE.test(value)) throw new Error(`check-in ${name} holds characters a script cannot carry: ${value}`);
  return `'${value}'`;
}

function reportScript(card: CheckinCard): string {
  return `#!/bin/bash
# Written by Fedora IoT Flasher: tells the app that wrote this card that the device came up, once.
set -u
dir=${CHECKIN_DIR}
url=${quoted('URL', `${card.origin}${CHECKIN_PATH}`)}
pin=${quoted('pin', card.pinnedPubkey)}
job=${quoted('job', card.jobId)}
card=${quoted('card', String(card.card))}

# The name systemd gave the device from /etc/hostname; the kernel's when none was set.
{ read -r hostname < /etc/hostname; } 2>/dev/null || hostname=$(cat /proc/sys/kernel/hostname)
# A Raspberry Pi's serial is in its device tree (NUL-terminated); a PC's in its DMI table.
serial=$({ tr -d '\\0' < /sys/firmware/devicetree/base/serial-number || cat /sys/class/dmi/id/product_serial; } 2>/dev/null)
macs=""
for interface in /sys/class/net/*; do
  [ "\${interface##*/}" = lo ] && continue
  read -r mac 2>/dev/null < "$interface/address" && macs="$macs $mac"
done
ips=""
while read -r _ _ _ address _; do ips="$ips \${address%/*}"; done < <(ip -o addr show scope global 2>/dev/null)
version=""
for release in /etc/os-release /usr/lib/os-release; do
  [ -r "$release" ] || continue
  while IFS='=' read -r key value; do [ "$key" = VERSION ] && version=\${value//\\"/}; done < "$release"
  break
done

code=$(curl --silent --show-error --output /dev/null --write-out '%{http_code}' \\
  --cacert "$dir/station.pem" --pinnedpubkey "$pin" \\
  --connect-timeout 10 --max-time 30 --retry 30 --retry-delay 10 --retry-connrefused --retry-max-time 1800 \\
  -H @"$dir/authorization" \\
  --data-urlencode "job=$job" --data-urlencode "card=$card" --data-urlencode "hostname=$hostname" \\
  --data-urlencode "serial=$serial" --data-urlencode "macs=\${macs# }" --data-urlencode "ips=\${ips# }" \\
  --data-urlencode "version=$version" "$url")
case "$code" in
  # Taken, or refused for good (a token the app no longer knows): either way never again.
  2??|403|409) ;;
  # The app could not be reached: leave everything for the next boot.
  *) echo "check-in not delivered (HTTP $code); trying again at the next boot" >&2; exit 1 ;;
esac
rm -f /etc/systemd/system/${CHECKIN_UNIT} /etc/systemd/system/multi-user.target.wants/${CHECKIN_UNIT}
rm -rf "$dir"
[ "$code" = 204 ] || [ "$code" = 200 ]
`;
}

export function checkinUnit(): { name: string; enabled: boolean; contents: string } {
  const contents = [
    '[Unit]',
    'Description=Tell Fedora IoT Flasher that this device came up (once)',
    'Wants=network-online.target',
    'After=network-online.target',
    `ConditionPathExists=${CHECKIN_AUTH_FILE}`,
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=/bin/bash ${CHECKIN_SCRIPT}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
  return { name: CHECKIN_UNIT, enabled: true, contents };
}

/** The files Ignition writes for the check-in: the script, the token (0600), the certificate. */
export function checkinFiles(card: CheckinCard): CheckinFile[] {
  return [
    { path: CHECKIN_SCRIPT, mode: 0o700, text: reportScript(card) },
    { path: CHECKIN_AUTH_FILE, mode: 0o600, text: `Authorization: Bearer ${card.token}\n` },
    { path: CHECKIN_CA_FILE, mode: 0o644, text: card.caCert.endsWith('\n') ? card.caCert : `${card.caCert}\n` },
  ];
}
