/**
 * Which refused hosts get "put it in NO_PROXY": those on this machine or the local network (a
 * person's own mirror), and never a site on the internet, which only the proxy's owner can allow.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNearbyHost } from '../../electron/core/net/nearby-host';
import { letThroughWords } from '../../electron/core/net/proxy-refusal';

test('loopback, private and link-local addresses and local names are nearby', () => {
  for (const host of ['127.0.0.1', '10.1.2.3', '172.20.0.5', '192.168.1.10', '169.254.1.1', '[::1]', 'fd12::1', 'localhost', 'mirror', 'nas.local', 'pxe.lan', 'repo.home.arpa']) {
    assert.equal(isNearbyHost(host), true, host);
  }
});

test('public addresses and internet names are not', () => {
  for (const host of ['download.fedoraproject.org', 'quay.io', '8.8.8.8', '172.32.0.1', '2001:db8::1', 'mirror.example.org']) {
    assert.equal(isNearbyHost(host), false, host);
  }
});

test('the words name the host to put in NO_PROXY, and say nothing for an internet site', () => {
  assert.equal(letThroughWords(new URL('http://192.168.1.10:8420/iot/')), '192.168.1.10 is on this machine or your network: put it in NO_PROXY (NO_PROXY=192.168.1.10, or noProxy in the settings file) so it is reached directly, not through the proxy.');
  assert.equal(letThroughWords(new URL('https://download.fedoraproject.org/pub/')), null);
});
