/** The device table: RFC 4180 parsing, and rows checked whole against the profile, problems by line and column. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bareAddressLines, CsvSyntaxError, parseCsv, planForCard, readDeviceTable, fromDataUrl, withAddressPrefix } from '../../../shared/provisioning';

test('CSV: quoted commas, doubled quotes, CRLF and line breaks inside quotes, each record with its line', () => {
  const text = '\uFEFFname,note\r\n"a,b","say ""hi"""\r\n\r\nc,"two\nlines"\nd,\n';
  assert.deepEqual(parseCsv(text), [
    { line: 1, fields: ['name', 'note'] },
    { line: 2, fields: ['a,b', 'say "hi"'] },
    { line: 4, fields: ['c', 'two\nlines'] },
    { line: 6, fields: ['d', ''] },
  ]);
  assert.deepEqual(parseCsv('x,y'), [{ line: 1, fields: ['x', 'y'] }], 'no final line break needed');
});

test('CSV: a quote that is never closed, or one inside an unquoted field, names its line', () => {
  assert.throws(() => parseCsv('a\nb,"open\n'), (error: unknown) => error instanceof CsvSyntaxError && error.line === 2 && /never closed/.test(error.message));
  assert.throws(() => parseCsv('a\nb"c\n'), (error: unknown) => error instanceof CsvSyntaxError && error.line === 2);
  assert.throws(() => parseCsv('"a"b\n'), /closing quote must end its field/);
});

test('each row fills the profile: hostname, static IP, kernel arguments, label and {column} placeholders', () => {
  const base = { users: [{ name: 'core', sshAuthorizedKeys: [] }], files: [{ path: '/etc/site', contents: 'site={site} {unknown}\n' }] };
  const { table, problems } = readDeviceTable('Hostname,IP,Gateway,DNS,Kernel-Args,Label,Site\npump-1,10.0.0.11/24,10.0.0.1,1.1.1.1 9.9.9.9,console=ttyS0 quiet,"Shelf 1, left",north\n', base);
  assert.deepEqual(problems, []);
  const [row] = table!.rows;
  assert.equal(row!.line, 2);
  assert.equal(row!.label, 'Shelf 1, left');
  assert.deepEqual(row!.profile.staticIp, { address: '10.0.0.11/24', gateway: '10.0.0.1', dns: ['1.1.1.1', '9.9.9.9'] });
  assert.deepEqual(row!.profile.kernelArguments, ['console=ttyS0', 'quiet']);
  const { plan } = planForCard(row!.profile, 1);
  assert.ok(plan?.mode === 'config');
  const config = JSON.parse(plan.configText) as { kernelArguments: unknown; storage: { files: Array<{ path: string; contents: { source: string } }> } };
  assert.equal(config.kernelArguments, undefined, 'never Ignition kernelArguments: Fedora IoT cannot apply them');
  assert.deepEqual(plan.kernelArguments, ['console=ttyS0', 'quiet'], 'they go on the boot entries');
  const file = (p: string) => fromDataUrl(config.storage.files.find((f) => f.path === p)!.contents.source);
  assert.equal(file('/etc/hostname'), 'pump-1\n');
  assert.equal(file('/etc/site'), 'site=north {unknown}\n', 'a brace that names no column stays as it is');
});

test('a bad table is refused whole, every problem with its line and column', () => {
  const text = 'hostname,ip,ignition_url\nok-1,10.0.0.5/24,\nok-2,10.0.0.300/24,\nbad_name,,\nok-1,,\nshort\n';
  const { table, problems } = readDeviceTable(text, {});
  assert.equal(table, undefined);
  assert.deepEqual(problems.map((p) => p.message), [
    'table: line 3, column 2 (ip): must be an IPv4 address with a prefix length, such as 192.168.1.50/24',
    'table: line 4, column 1 (hostname): “bad_name” may contain only letters, digits and hyphens (not at the start or end of a part)',
    'table: line 5, column 1 (hostname): “ok-1” is already on line 2',
    'table: line 6: has 1 fields, the header has 3',
  ]);
});

test('a gateway without an address says which column to fill', () => {
  assert.deepEqual(readDeviceTable('hostname,ip,gateway\nok-1,,10.0.0.1\n', {}).problems.map((p) => p.message),
    ['table: line 2, column 3 (gateway): needs an address in the ip column (such as 10.0.0.5/24), or a static IP in the profile']);
  assert.deepEqual(readDeviceTable('hostname,gateway\nok-1,10.0.0.1\n', { staticIp: { address: '10.0.0.9/24' } }).problems, []);
});

test('a URL row under a profile that generates a config names the conflict on the row', () => {
  const { problems } = readDeviceTable('ignition_url\nhttps://config.example/pump.ign\n', { users: [{ name: 'core' }] });
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.message, /^table: line 2, column 1 \(ignition_url\): the config at this URL decides everything, so users would be ignored/);
});

test('header problems: empty, header only, a repeated or unusable column', () => {
  assert.match(readDeviceTable('', {}).problems[0]!.message, /is empty/);
  assert.match(readDeviceTable('hostname\n', {}).problems[0]!.message, /no rows/);
  assert.match(readDeviceTable('hostname,Host Name,hostname\nx,y,z\n', {}).problems[0]!.message, /line 1, column 3 \(hostname\): this column appears twice/);
  assert.match(readDeviceTable('hostname,9lives\nx,y\n', {}).problems[0]!.message, /line 1, column 2 \(9lives\): a column name must start with a letter/);
});

test('bare addresses from a spreadsheet get "/24" in one step; every other field, quote and line number stays', () => {
  const text = 'Hostname,IP,note\r\npump-1,192.168.7.10,"a,b"\r\n\r\npump-2,192.168.7.11/16,"two\nlines"\npump-3,10.0.0.300,x\npump-4,,y\npump-5, 10.0.0.5 ,z\n';
  assert.deepEqual(bareAddressLines(text), [2, 8]);
  const fixed = withAddressPrefix(text);
  assert.deepEqual(parseCsv(fixed), parseCsv(text).map((r) => (r.line === 2 ? { ...r, fields: ['pump-1', '192.168.7.10/24', 'a,b'] } : r.line === 8 ? { ...r, fields: ['pump-5', '10.0.0.5/24', 'z'] } : r)));
  assert.deepEqual(bareAddressLines(fixed), []);
  // The same check the core makes before writing: the table that needed correcting now has none to make.
  assert.ok(readDeviceTable(text.replace(/note/, 'label').replace(/10\.0\.0\.300/, '10.0.0.3'), {}).problems.length > 0);
  assert.deepEqual(readDeviceTable(withAddressPrefix(text.replace(/note/, 'label').replace(/10\.0\.0\.300/, '10.0.0.3')), {}).problems, []);
  assert.equal(withAddressPrefix('hostname,label\na,b\n'), 'hostname,label\na,b\n', 'no ip column: unchanged');
});
