/**
 * Which proxy an address goes through: the settings file wins over the environment, https and http
 * addresses read their own variables (lower case first, as curl does), and NO_PROXY entries match a
 * host, a domain with its subdomains, a host on one port, or everything.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { proxyFor, proxyLabel, proxySettings } from '../../electron/core/net/proxy-settings';

const env = { HTTPS_PROXY: 'http://secure-proxy:3128', http_proxy: 'http://plain-proxy:8080', HTTP_PROXY: 'http://ignored:1' };

test('https and http addresses use their own variable; the lower-case spelling comes first', () => {
  const settings = proxySettings(env);
  assert.equal(proxyFor('https://dl.fedoraproject.org/pub/', settings), 'http://secure-proxy:3128');
  assert.equal(proxyFor('http://mirror.example/pub/', settings), 'http://plain-proxy:8080');
});

test('HTTP_PROXY alone serves https addresses too', () => {
  assert.equal(proxyFor('https://quay.io/v2/', proxySettings({ HTTP_PROXY: 'http://only:3128' })), 'http://only:3128');
});

test('no variable, no proxy', () => {
  assert.equal(proxyFor('https://quay.io/v2/', proxySettings({})), null);
});

test('the settings file’s proxy and noProxy win over the environment', () => {
  const settings = proxySettings({ ...env, NO_PROXY: 'quay.io' }, { proxy: 'http://site-proxy:3128', noProxy: 'github.com' });
  assert.equal(proxyFor('https://quay.io/v2/', settings), 'http://site-proxy:3128');
  assert.equal(proxyFor('http://mirror.example/', settings), 'http://site-proxy:3128');
  assert.equal(proxyFor('https://github.com/tech.keys', settings), null);
});

test('NO_PROXY: exact host, domain and its subdomains, host:port, IPv6, and *', () => {
  const direct = (noProxy: string, url: string) => proxyFor(url, proxySettings({ ...env, NO_PROXY: noProxy })) === null;
  assert.ok(direct('fedoraproject.org', 'https://fedoraproject.org/releases.json'));
  assert.ok(direct('fedoraproject.org', 'https://dl.fedoraproject.org/pub/'));
  assert.ok(direct('.fedoraproject.org', 'https://dl.fedoraproject.org/pub/'));
  assert.ok(direct('*.fedoraproject.org', 'https://dl.fedoraproject.org/pub/'));
  assert.ok(!direct('fedoraproject.org', 'https://notfedoraproject.org/'), 'a suffix that is not a subdomain is proxied');
  assert.ok(direct('LOCALHOST, 10.0.0.5', 'http://10.0.0.5:5000/v2/'), 'entries are case-insensitive and may carry spaces');
  assert.ok(direct('registry.lan:5000', 'http://registry.lan:5000/v2/'));
  assert.ok(!direct('registry.lan:5000', 'https://registry.lan/v2/'), 'another port is proxied');
  assert.ok(direct('quay.io:443', 'https://quay.io/v2/'), 'the default port counts');
  assert.ok(direct('::1', 'http://[::1]:8080/'));
  assert.ok(direct('[::1]:8080', 'http://[::1]:8080/'));
  assert.ok(direct('*', 'https://anything.example/'));
});

test('a proxy address is printed without its password', () => {
  assert.equal(proxyLabel('http://maker:s3cret@proxy.lan:3128'), 'http://proxy.lan:3128');
});
