import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandHostname, hasCounter, hostnamePatternProblems, hostnameProblems, previewHostnames } from '../../../shared/provisioning';

describe('hostname patterns', () => {
  it('expands {n} and zero-padded {n:03}', () => {
    assert.equal(expandHostname('fleet-{n:03}', 1), 'fleet-001');
    assert.equal(expandHostname('fleet-{n:03}', 1234), 'fleet-1234');
    assert.equal(expandHostname('pi{n}', 7), 'pi7');
    assert.equal(expandHostname('pi-{n:2}-{n}', 5), 'pi-05-5');
    assert.equal(expandHostname('plain', 9), 'plain');
    assert.equal(hasCounter('plain'), false);
    assert.equal(hasCounter('a-{n:03}'), true);
  });

  it('previews the names of the next cards from the counter start', () => {
    assert.deepEqual(previewHostnames('sensor-{n:03}', 41, 3), ['sensor-041', 'sensor-042', 'sensor-043']);
  });

  it('accepts RFC 1123 names and dotted names', () => {
    assert.deepEqual(hostnameProblems('fleet-001'), []);
    assert.deepEqual(hostnameProblems('pi4.lab.example'), []);
    assert.deepEqual(hostnameProblems('9lives'), []);
  });

  it('refuses bad names with a message naming the field', () => {
    for (const bad of ['bad_name', '-lead', 'trail-', 'a..b', 'x'.repeat(64) + '.y', 'has space', '']) {
      const [p] = hostnameProblems(bad);
      assert.ok(p, `expected a problem for ${JSON.stringify(bad)}`);
      assert.equal(p.field, 'hostname');
      assert.match(p.message, /^hostname: /);
    }
  });

  it('refuses braces that are not a counter', () => {
    const [p] = hostnamePatternProblems('fleet-{x}');
    assert.match(p!.message, /use \{n\} or \{n:03\}/);
    assert.deepEqual(hostnamePatternProblems('fleet-{n:03}'), []);
  });
});
