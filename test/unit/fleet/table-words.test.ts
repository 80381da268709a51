/**
 * The words a device table's reader sees, without a browser: problems on many lines as one item
 * naming them as ranges, a fixed address's subnet, what a row without a gateway or DNS server
 * cannot reach (grouped by what it lacks) and its one-click fill, the First boot summary naming
 * the table's devices and how far the table is, and a row named one way everywhere.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkinOutOfReach, fillOutsideSubnet, groupTableProblems, lineRanges, onSubnet, readDeviceTable, staticIpReachWords, subnetOf, tableReachGaps, tableRowCell, tableRowTitle, tableRowWords, withReachFill } from '../../../shared/provisioning';
import { emptyForm } from '../../../renderer/src/features/provisioning/profile-form';
import { profileSummary, tableProgressWords, tableWords } from '../../../renderer/src/features/provisioning/profile-summary';

test('line lists read as ranges; a problem on many lines is one item', () => {
  assert.equal(lineRanges([5, 2, 3, 4, 9, 11, 12, 3]), '2–5, 9, 11, 12');
  assert.equal(lineRanges([7]), '7');
  const { problems } = readDeviceTable('hostname,ip\na,10.0.0.1\nb,10.0.0.2\nc,10.0.0.3/24\nd,10.0.0.4\nbad_e,10.0.0.5/24\n', {});
  const items = groupTableProblems(problems);
  assert.equal(items.length, 2);
  assert.equal(items[0], 'Lines 2, 3, 5, column 2 (ip): must be an IPv4 address with a prefix length, such as 192.168.1.50/24');
  assert.match(items[1]!, /^Line 6, column 1 \(hostname\): /);
});

test('a fixed address\'s subnet, and what it lacks to reach beyond it', () => {
  assert.deepEqual([subnetOf('192.168.1.20/24'), subnetOf('172.16.5.77/20'), subnetOf('10.1.2.3/32'), subnetOf('10.1.2.3'), subnetOf('10.1.2.300/8')], ['192.168.1.0/24', '172.16.0.0/20', '10.1.2.3/32', null, null]);
  assert.match(staticIpReachWords({ address: '192.168.1.20/24', dns: [] }) ?? '', /^The fixed address 192\.168\.1\.20\/24 has no gateway .* and no DNS server .*: the device will reach only addresses in 192\.168\.1\.0\/24 .* and look up no names such as fedoraproject\.org\.$/);
  assert.match(staticIpReachWords({ address: '192.168.1.20/24', gateway: '192.168.1.1', dns: [] }) ?? '', /has no DNS server \(which looks up names\): the device will look up no names/);
  assert.equal(staticIpReachWords({ address: '192.168.1.20/24', gateway: '192.168.1.1', dns: ['1.1.1.1'] }), null);
  assert.equal(staticIpReachWords(undefined), null);
});

test('a check-in address off the subnet of a device without a gateway is out of its reach', () => {
  assert.deepEqual([onSubnet('192.168.1.5', '192.168.1.20/24'), onSubnet('192.168.2.5', '192.168.1.20/24'), onSubnet('10.255.0.1', '10.0.0.9/8'), onSubnet('host.lan', '10.0.0.9/8')], [true, false, true, false]);
  const rows = [{ address: '192.168.1.20/24', dns: [] }, { address: '192.168.1.21/24', gateway: '192.168.1.1', dns: [] }, { address: '10.0.0.2/24', dns: [] }, undefined];
  assert.deepEqual(checkinOutOfReach('192.168.1.5', rows), ['10.0.0.2/24'], 'a gateway reaches anywhere; the same subnet needs none');
  assert.deepEqual(checkinOutOfReach('127.0.0.1', rows), ['192.168.1.20/24', '10.0.0.2/24']);
  assert.deepEqual(checkinOutOfReach('fe80::1', rows), [], 'an address that is not IPv4 is not judged');
});

test('table rows without a gateway or DNS server are grouped by what they lack, naming their shared subnet', () => {
  const { table } = readDeviceTable('hostname,ip,gateway,dns\na,10.0.0.2/24,,\nb,10.0.0.3/24,10.0.0.1,1.1.1.1\nc,10.0.0.4/24,,\nd,10.0.0.5/24,10.0.0.1,\ne,,,\n', {});
  assert.deepEqual(tableReachGaps(table!.rows), [
    { gaps: ['gateway', 'dns'], lines: [2, 4], subnet: '10.0.0.0/24' },
    { gaps: ['dns'], lines: [5], subnet: '10.0.0.0/24' },
  ]);
  const mixed = readDeviceTable('hostname,ip\na,10.0.0.2/24\nb,10.0.1.2/24\n', {}).table!;
  assert.equal(tableReachGaps(mixed.rows)[0]?.subnet, null, 'rows on different subnets name none');
});

test('with a table the summary names its devices, never "hostname unchanged"', () => {
  const form = { ...emptyForm, userName: 'core', sshKeys: 'ssh-ed25519 AAAA x' };
  const named = { name: 'sites.csv', hostnames: Array.from({ length: 12 }, (_, i) => `site-pump-${String(i + 1).padStart(2, '0')}`), addresses: true };
  assert.equal(profileSummary(form, { table: named }), 'User core, 1 SSH key, 12 devices from sites.csv: site-pump-01 … site-pump-12, one per card, fixed addresses from the table');
  assert.equal(tableWords({ name: 'two.csv', hostnames: ['a', 'b'], addresses: false }, ''), '2 devices from two.csv: a and b, one per card');
  assert.equal(tableWords({ name: 'labels.csv', hostnames: [undefined, undefined, undefined], addresses: false }, 'pump-01'), '3 devices from labels.csv, one per card, named pump-01, …');
  assert.equal(tableWords({ name: 'labels.csv', hostnames: [undefined], addresses: false }, ''), '1 device from labels.csv, one per card, hostname unchanged');
  assert.equal(profileSummary(form, { table: { name: 'sites.csv', hostnames: [], addresses: false } }), 'User core, 1 SSH key, the device table sites.csv, once corrected', 'a table with problems is not "hostname unchanged" either');
});

test('a row is named one way: row 1 is the first device, the file\'s line in brackets; empty rows are not counted', () => {
  const { table } = readDeviceTable('hostname\n\npump-01\n,\npump-02\n', {});
  assert.deepEqual(table?.rows.map((r) => [r.row, r.line]), [[1, 3], [2, 5]]);
  assert.equal(tableRowWords(table!.rows[1]!), 'row 2 (line 5)');
  assert.equal(tableRowWords(table!.rows[1]!, 'sites.csv'), 'row 2 (line 5 of sites.csv)');
  assert.equal(tableRowTitle({ row: 2, line: 5 }), 'Row 2 (line 5)');
  assert.equal(tableRowCell({ row: 2, line: 5 }), '2 (line 5)');
  // A history record from before rows were counted knows only its line: never called a row.
  assert.equal(tableRowWords({ line: 5 }), 'line 5 of the table');
  assert.equal(tableRowCell({ line: 5 }), 'line 5');
});

test('the summary says how far the table is: rows written, the next row, the rows left', () => {
  const facts = { name: 'sites.csv', hostnames: ['p-01', 'p-02', 'p-03'], addresses: false };
  assert.equal(tableProgressWords(facts), null, 'not known yet');
  assert.equal(tableProgressWords({ ...facts, rowsUsed: [] }), null, 'nothing written: the list says it all');
  assert.equal(tableWords({ ...facts, rowsUsed: [1] }, ''), '3 devices from sites.csv: p-01 … p-03, one per card; 1 written, next is row 2 (p-02), 2 left');
  // Rows are taken in order of the unused ones: a row skipped earlier comes next.
  assert.equal(tableProgressWords({ ...facts, rowsUsed: [2] }), '1 written, next is row 1 (p-01), 2 left');
  assert.equal(tableProgressWords({ ...facts, rowsUsed: [1, 2, 3] }), 'all 3 rows written: add rows to the table for more cards');
});

test('one gateway and DNS list fill every row that has an address but none of its own', () => {
  const csv = 'hostname,ip,dns\r\na,10.0.0.1/24,\r\nb,10.0.0.2/24,9.9.9.9\r\nc,,\r\nd,10.0.0.4/24\r\n';
  const filled = withReachFill(csv, { gateway: '10.0.0.254', dns: '10.0.0.53' });
  assert.equal(filled, 'hostname,ip,dns,gateway\na,10.0.0.1/24,10.0.0.53,10.0.0.254\nb,10.0.0.2/24,9.9.9.9,10.0.0.254\nc,,,\nd,10.0.0.4/24\n');
  // The row of the wrong length stays wrong (still named as a problem); the others reach beyond their subnet.
  const { problems } = readDeviceTable(filled, {});
  assert.deepEqual(problems.map((p) => p.message), ['table: line 5: has 2 fields, the header has 4']);
  const fixed = readDeviceTable(withReachFill('hostname,ip\na,10.0.0.1/24\n', { gateway: '10.0.0.254', dns: '10.0.0.53' }), {});
  assert.deepEqual(tableReachGaps(fixed.table!.rows), []);
  assert.equal(withReachFill('hostname\na\n', { gateway: '10.0.0.254' }), 'hostname\na\n', 'no ip column: nothing to fill');
});

test('a gateway fill is judged only on the rows it would fill, by their networks', () => {
  const csv = 'hostname,ip,gateway\na,10.0.0.1/24,\nb,192.168.7.5/24,192.168.7.1\nc,192.168.7.6/24,\nd,172.16.0.9/16,\ne,10.0.0.5,\nf,,\n';
  // b has its own gateway; e has no prefix (the table's own check names it); f gives no address.
  assert.deepEqual(fillOutsideSubnet(csv, '10.0.0.254'), [{ subnet: '192.168.7.0/24', lines: [4] }, { subnet: '172.16.0.0/16', lines: [5] }]);
  assert.deepEqual(fillOutsideSubnet('hostname,ip\na,10.0.0.1/8\n', '10.200.3.1'), [], 'a /8 holds it');
  assert.deepEqual(fillOutsideSubnet('hostname\na\n', '10.0.0.254'), [], 'no ip column: nothing to judge');
});
