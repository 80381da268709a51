/**
 * The check-in addresses offered: never one a device cannot reach this machine at (loopback, an
 * IPv6 link-local address without its scope), the likeliest LAN address first.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkinAddresses, type InterfaceAddress } from '../../../electron/core/checkin/addresses';

const v4 = (interfaceName: string, address: string, internal = false): InterfaceAddress => ({ interfaceName, address, family: 'IPv4', internal });
const v6 = (interfaceName: string, address: string, internal = false): InterfaceAddress => ({ interfaceName, address, family: 'IPv6', internal });
const LOOPBACK = [v4('lo', '127.0.0.1', true), v6('lo', '::1', true)];

test('a laptop on Wi-Fi with docker: its Wi-Fi address first, then IPv6, the container bridge last, never loopback or fe80::', () => {
  const offers = checkinAddresses([
    ...LOOPBACK,
    v4('docker0', '172.17.0.1'),
    v6('wlp2s0', '2001:db8::1234'),
    v6('wlp2s0', 'fe80::1c2d:3e4f:5a6b:7c8d'),
    v6('wlp2s0', 'fd12:3456::20'),
    v4('wlp2s0', '192.168.1.20'),
  ]);
  assert.deepEqual(offers, { addresses: ['192.168.1.20', 'fd12:3456::20', '2001:db8::1234', '172.17.0.1'], suggested: '192.168.1.20' });
});

test('a private LAN address comes before a public one, and a self-assigned 169.254 one comes last', () => {
  const { addresses } = checkinAddresses([v4('eth1', '169.254.10.2'), v4('eth0', '203.0.113.7'), v4('eth2', '10.0.0.5')]);
  assert.deepEqual(addresses, ['10.0.0.5', '203.0.113.7', '169.254.10.2']);
});

test('only loopback: nothing to offer and nothing suggested', () => {
  assert.deepEqual(checkinAddresses([...LOOPBACK, v6('eth0', 'fe80::1')]), { addresses: [] });
});

test('this machine: whatever it has, loopback is never offered', () => {
  const { addresses, suggested } = checkinAddresses();
  assert.ok(!addresses.some((a) => a.startsWith('127.') || a === '::1' || /^fe80:/i.test(a)), addresses.join(', '));
  assert.equal(suggested, addresses[0]);
});
