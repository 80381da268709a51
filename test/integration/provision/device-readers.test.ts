/**
 * Every value reaches the device as its reader reads it. Hostile values (`;` `#` `=`, spaces at
 * both ends, backslashes, quotes, non-ASCII, newlines) go through the product's own path
 * (profile → plan → Ignition config, a table row for units and files), real Ignition applies the
 * config into a scratch root, and each file it wrote is read back with the reader the device uses:
 * NetworkManager's keyfile reader for the Wi-Fi and static IP keyfiles (and GLib's GKeyFile for
 * every key), ssh-keygen for authorized keys, systemd-analyze for units, a shell for
 * locale.conf and vconsole.conf, the zoneinfo link. What a format cannot hold is refused first.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, readlinkSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it, after } from 'node:test';
import { checkProfile, planForCard, readDeviceTable, type Problem, type Profile } from '../../../shared/provisioning';
import { nmReaderSkipReason, readEnvFileValue, readNmKeyfile, sshKeygenList, systemdVerify } from '../../helpers/device-readers';
import { applyWithIgnition, realIgnitionSkipReason } from '../../helpers/real-ignition';
import { ED25519_KEY } from '../../helpers/ssh-keys';

const skip = realIgnitionSkipReason() ?? nmReaderSkipReason() ?? false;

/** Values that break naive writers of key files, units and env files. */
const HOSTILE = [
  'tomato; soup 42',
  '  spaces at both ends  ',
  'a;b#c=d',
  '#starts with a hash',
  '=starts with equals',
  'back\\slash \\s\\n\\; literal\\',
  'C:\\Users\\pi',
  '"double" and \'single\' quotes',
  'Grüße aus Köln, 日本',
  '12;34;',
  '[not a section]',
  '50% off %n %h',
  'tab\there',
  'line\nbreak',
  'carriage\rreturn',
];

const UNIT = 'fiot-greeting.service';
const UNIT_TEXT = '[Unit]\nDescription=Say hello\n\n[Service]\nType=oneshot\nExecStart=/bin/echo {greeting}\n';
const SITE_FILE = '/etc/fiot/greeting';


/** Counts of what was tried, for the note. */
const tally = { roundTrips: 0, refused: 0 };
after(() => console.log(`device readers: ${tally.roundTrips} hostile value × file round trips read back exactly; ${tally.refused} refused before writing`));

function hex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}

function profileFor(value: string): { profile?: Profile; problems: Problem[] } {
  const psk = value.length >= 8 ? value : `${value} padding`;
  return checkProfile({ wifi: { ssid: value, security: 'wpa-psk', psk } });
}

/** The row's profile for a table whose `greeting` column holds `value` (a CSV quoted cell), and a key with `value` as its comment. */
function tableRow(value: string, withUnit = true): { profile?: Profile; problems: Problem[] } {
  const base = { users: [{ name: 'core', sshAuthorizedKeys: [`${ED25519_KEY.split(' ').slice(0, 2).join(' ')} ${value}`.replace(/\s+$/, '')] }],
    files: [{ path: SITE_FILE, contents: 'greeting={greeting}\n' }], units: withUnit ? [{ name: UNIT, enabled: true, contents: UNIT_TEXT }] : [] };
  const csv = `hostname,greeting\nprobe-1,"${value.replace(/"/g, '""')}"\n`;
  const { table, problems } = readDeviceTable(csv, base);
  return table ? { profile: table.rows[0]!.profile, problems: [] } : { problems };
}

function apply(profile: Profile): ReturnType<typeof applyWithIgnition> {
  const { plan, problems } = planForCard(profile, 1);
  assert.ok(plan?.mode === 'config', JSON.stringify(problems));
  return applyWithIgnition(plan.configText);
}

function keyfileIn(root: string): Buffer {
  const dir = path.join(root, 'etc/NetworkManager/system-connections');
  const [name] = readdirSync(dir);
  return readFileSync(path.join(dir, name!));
}

describe('Wi-Fi keyfile: NetworkManager reads back the SSID and passphrase exactly', { skip }, () => {
  for (const value of HOSTILE) {
    it(JSON.stringify(value), () => {
      const { profile, problems } = profileFor(value);
      const printable = /^[\x20-\x7e]+$/.test(value);
      const control = [...value].some((c) => c.charCodeAt(0) < 0x20);
      if (control || !printable) {
        // An SSID holds no control characters; a WPA passphrase is 8-63 printable ASCII characters.
        assert.equal(profile, undefined, 'refused before anything is written');
        assert.match(problems.map((p) => `${p.field}: ${p.message}`).join('\n'), control ? /wifi\.ssid: .*control characters/ : /wifi\.psk: .*printable/);
        tally.refused++;
        if (control) return;
      }
      // Non-ASCII SSIDs are fine: try one with an ASCII passphrase.
      const checked = profile ? { profile } : checkProfile({ wifi: { ssid: value, security: 'wpa-psk', psk: 'tomato; soup 42' } });
      const applied = apply(checked.profile!);
      try {
        const nm = readNmKeyfile(keyfileIn(applied.root));
        assert.equal(nm.ssidHex, hex(value), `NetworkManager's SSID bytes (${nm.ssidHex})`);
        assert.equal(nm.id, value, 'the connection name');
        assert.equal(nm.psk, checked.profile!.wifi!.psk, 'the passphrase');
        assert.equal(nm.glib['wifi-security']?.psk, checked.profile!.wifi!.psk, 'GLib reads the passphrase as NetworkManager does');
        assert.equal(nm.glib.connection?.id, value, 'GLib reads the connection name');
        tally.roundTrips += 3;
      } finally {
        applied.dispose();
      }
    });
  }

  it('tomato; soup 42 with spaces at both ends, as NetworkManager writes it', () => {
    const psk = '  tomato; soup 42  ';
    const { profile } = checkProfile({ wifi: { ssid: 'Workshop', psk } });
    const applied = apply(profile!);
    try {
      const bytes = keyfileIn(applied.root);
      assert.match(bytes.toString('utf8'), /^psk=\\s tomato; soup 42 {2}$/m, 'only the leading space is escaped; ; stays raw');
      assert.equal(readNmKeyfile(bytes).psk, psk);
      tally.roundTrips++;
      // What the flasher used to write: GLib cannot interpret \; in a string, so the card had no Wi-Fi.
      const old = readNmKeyfile(Buffer.from(bytes.toString('utf8').replace(/^psk=.*$/m, 'psk=tomato\\; soup 42')));
      assert.match(JSON.stringify(old.glib['wifi-security']?.psk), /cannot be interpreted/);
    } finally {
      applied.dispose();
    }
  });
});

describe('table values in a unit, a file and an authorized key', { skip }, () => {
  for (const value of HOSTILE) {
    it(JSON.stringify(value), () => {
      const { profile, problems } = tableRow(value);
      const cell = value.trim();
      if (/[\r\n]/.test(value)) {
        assert.equal(profile, undefined);
        assert.match(problems.map((p) => p.message).join('\n'), /table: line 2, column 2 \(greeting\): holds a line break or control character; a value put into (unit fiot-greeting\.service|file \/etc\/fiot\/greeting) must stay on its line/);
        tally.refused++;
        return;
      }
      // systemd gives these meaning in a unit line (escapes, quoting, variables, another command).
      const unitMeaning = /[\\"'$]/.test(cell) || /(^|\s);(\s|$)/.test(cell);
      if (unitMeaning) {
        assert.equal(profile, undefined);
        assert.match(problems.map((p) => p.message).join('\n'), /column 2 \(greeting\): holds a backslash, quote, \$ or lone ;, which systemd reads as .* in unit fiot-greeting\.service/);
        tally.refused++;
      } else {
        assert.ok(profile, JSON.stringify(problems));
      }
      // Without the unit, the same cell goes into the file, and the key comment is read as typed.
      const row = unitMeaning ? tableRow(value, false).profile : profile;
      assert.ok(row);
      const applied = apply(row);
      try {
        if (!unitMeaning) {
          const unitFile = path.join(applied.root, 'etc/systemd/system', UNIT);
          const unit = readFileSync(unitFile, 'utf8');
          assert.equal(systemdVerify(unitFile), '', 'systemd-analyze verify has nothing to say');
          const execStart = unit.split('\n').filter((line) => line.startsWith('ExecStart'));
          assert.deepEqual(execStart.map((line) => line.replace(/%%/g, '%')), [`ExecStart=/bin/echo ${cell}`], 'one ExecStart, the value as systemd unescapes %%');
          assert.equal(unit.split('\n').length, UNIT_TEXT.split('\n').length, 'no line added');
          tally.roundTrips++;
        }
        assert.equal(readFileSync(path.join(applied.root, SITE_FILE), 'utf8'), `greeting=${cell}\n`);
        const keys = path.join(applied.root, 'home/core/.ssh/authorized_keys.d');
        const listed = readdirSync(keys).flatMap((name) => sshKeygenList(path.join(keys, name)));
        assert.deepEqual(listed.map((key) => key.fingerprint), sshKeygenList('-', ED25519_KEY).map((key) => key.fingerprint), 'the key itself');
        // OpenSSH takes a comment that starts with # as no comment; the key works all the same.
        assert.equal(listed[0]!.comment, cell.startsWith('#') ? 'no comment' : cell, 'ssh-keygen reads the key comment');
        tally.roundTrips += 2;
      } finally {
        applied.dispose();
      }
    });
  }

  it('a table cell that tries to add directives to a unit is refused, naming its line and column', () => {
    const { problems } = tableRow("hi\nExecStartPre=/bin/sh -c 'touch /pwned'\n[Install]\nWantedBy=multi-user.target");
    assert.deepEqual(problems.map((p) => p.message).slice(0, 1), ['table: line 2, column 2 (greeting): holds a line break or control character; a value put into unit fiot-greeting.service must stay on its line']);
    tally.refused++;
  });
});

describe('static IP, keyboard, language, time zone', { skip }, () => {
  it('NetworkManager reads the static address, gateway, DNS and interface; the shell reads KEYMAP and LANG; the zone link resolves', () => {
    const { profile, problems } = checkProfile({
      staticIp: { interface: 'end0', address: '192.168.1.57/24', gateway: '192.168.1.1', dns: ['1.1.1.1', '9.9.9.9'] },
      keymap: 'de-nodeadkeys', locale: 'de_DE.UTF-8', timezone: 'Europe/Berlin',
    });
    assert.ok(profile, JSON.stringify(problems));
    const applied = apply(profile);
    try {
      const nm = readNmKeyfile(keyfileIn(applied.root));
      assert.deepEqual([nm.type, nm.interfaceName, nm.addresses, nm.gateway, nm.dns], ['802-3-ethernet', 'end0', ['192.168.1.57/24'], '192.168.1.1', ['1.1.1.1', '9.9.9.9']]);
      assert.equal(readEnvFileValue(path.join(applied.root, 'etc/vconsole.conf'), 'KEYMAP'), 'de-nodeadkeys');
      assert.equal(readEnvFileValue(path.join(applied.root, 'etc/locale.conf'), 'LANG'), 'de_DE.UTF-8');
      const zone = readlinkSync(path.join(applied.root, 'etc/localtime'));
      assert.equal(zone, '/usr/share/zoneinfo/Europe/Berlin');
      assert.ok(existsSync(zone), 'tzdata has the zone the link names');
      tally.roundTrips += 4;
    } finally {
      applied.dispose();
    }
  });

  it('refuses what the device would not take, before anything is written', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ keymap: 'de;rm -rf' }, /^keymap: is not a keymap Fedora knows/],
      [{ keymap: 'us\nFONT=x' }, /^keymap: is not a keymap Fedora knows/],
      [{ locale: 'de_DE.UTF-8 LC_ALL=C' }, /^locale: is not a locale Fedora knows/],
      [{ locale: 'xx_XX.UTF-8' }, /^locale: is not a locale Fedora knows/],
      [{ wifiCountry: 'de' }, /^wifiCountry: must be a two-letter country code/],
      [{ wifiCountry: 'XX' }, /^wifiCountry: must be a two-letter country code/],
      [{ timezone: 'Europe/Ber\nlin' }, /^timezone: /],
      [{ timezone: '../../etc/passwd' }, /^timezone: /],
      [{ hostname: 'probe;1' }, /^hostname: /],
      [{ kernelArguments: ['foo=$bar'] }, /^kernelArguments\.0: .*without spaces, quotes, backslashes or \$/],
      [{ kernelArguments: ['a b'] }, /^kernelArguments\.0: /],
      [{ users: [{ name: 'core', sshAuthorizedKeys: [`${ED25519_KEY}\nssh-ed25519 AAAA other`] }] }, /^users\.0\.sshAuthorizedKeys\.0: must be one line/],
      [{ users: [{ name: 'Core;x' }] }, /^users\.0\.name: /],
      [{ users: [{ name: 'core', groups: ['wheel,root'] }] }, /^users\.0\.groups\.0: /],
      [{ wifi: { ssid: 'Caf\uFFFD', security: 'none' } }, /^wifi\.ssid: is not valid UTF-8 text/],
      [{ files: [{ path: '/etc/motd', contents: 'x\uD800y' }] }, /^files\.0\.contents: is not valid UTF-8 text \(it holds a lone UTF-16 surrogate\)/],
    ];
    for (const [input, expected] of cases) {
      const { profile, problems } = checkProfile(input);
      const text = problems.map((p) => `${p.field}: ${p.message.replace(/^[\w.]+: /, '')}`).join('\n');
      assert.equal(profile, undefined, `${JSON.stringify(input)} is refused`);
      assert.match(text, expected, JSON.stringify(input));
      tally.refused++;
    }
  });
});
