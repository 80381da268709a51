/**
 * What fixes a failed write, decided from its error code: a retry only where writing again can
 * succeed (a card pulled out, a bad read-back), else the step that fixes it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failureRemedy, remedyForAll, retryCanHelp } from '../../shared/domain/failure-remedy';

test('an image that cannot take the first-boot setup, or a damaged one, needs another image, not a retry', () => {
  assert.equal(failureRemedy('NOT_FEDORA_IOT'), 'image');
  assert.equal(failureRemedy('SOURCE_CORRUPT'), 'image');
  assert.equal(retryCanHelp('NOT_FEDORA_IOT'), false);
});

test('a card too small or locked needs another card; a config too large needs First boot', () => {
  assert.equal(failureRemedy('TARGET_TOO_SMALL'), 'card');
  assert.equal(failureRemedy('TARGET_READ_ONLY'), 'card');
  assert.equal(retryCanHelp('TARGET_TOO_SMALL'), false);
  assert.equal(failureRemedy('CONFIG_TOO_LARGE'), 'first-boot');
});

test('a card pulled out, a bad read-back, a cancel or a code this version does not know are retried', () => {
  for (const code of ['TARGET_GONE', 'VERIFY_FAILED', 'CANCELLED', 'NETWORK', 'SOME_FUTURE_CODE', undefined]) assert.equal(retryCanHelp(code), true, String(code));
});

test('several failed cards: the fix a retry would not reach comes first', () => {
  assert.equal(remedyForAll(['VERIFY_FAILED', 'TARGET_TOO_SMALL']), 'card');
  assert.equal(remedyForAll(['VERIFY_FAILED', 'TARGET_GONE']), 'retry');
});
