/** The page's check-in store: on by default for a batch only, the address the person picks, cards pushed by the core. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CardCheckin } from '../../../shared/domain/checkin';
import { checkinOf, createCheckinStore } from '../../../renderer/src/features/checkin/checkin-store';
import { createFakeApi } from '../../helpers/fake-api';

const awaiting: CardCheckin = { jobId: 'job-1', card: 1, device: '/dev/sdb', state: 'awaiting', since: '2026-12-07T10:00:00.000Z', waitMinutes: 30 };

test('check-in is on for a batch, off for one card, and the person decides over both', async () => {
  const api = createFakeApi({
    'checkin:addresses': () => ({ addresses: ['192.168.1.20', '127.0.0.1'], suggested: '192.168.1.20' }),
    'checkin:list': () => ({ cards: [awaiting] }),
  });
  const store = createCheckinStore(api);
  assert.deepEqual(store.getState().flashFields(true), {}, 'no address known yet: nothing to ask for');
  await store.getState().load();
  assert.deepEqual(store.getState().flashFields(true), { checkin: { address: '192.168.1.20' } }, 'a batch: on, at the LAN address');
  assert.deepEqual(store.getState().flashFields(false), {}, 'one card: off');
  store.getState().setAddress('127.0.0.1');
  store.getState().setWanted(true);
  assert.deepEqual(store.getState().flashFields(false), { checkin: { address: '127.0.0.1' } });
  store.getState().setWanted(false);
  assert.deepEqual(store.getState().flashFields(true), {}, 'switched off for a batch too');

  const stop = store.getState().watch();
  assert.equal(checkinOf(store.getState().cards, 'job-1', '/dev/sdb')?.state, 'awaiting');
  api.emit('checkin:changed', { cards: [{ ...awaiting, state: 'silent' }] });
  assert.equal(checkinOf(store.getState().cards, 'job-1', '/dev/sdb')?.state, 'silent');
  assert.equal(checkinOf(store.getState().cards, 'job-2', '/dev/sdb'), undefined, 'another job’s card in the same reader is another card');
  stop();
});

test('a batch is not checked in by default at an address its devices cannot reach; the person may still switch it on', async () => {
  const api = createFakeApi({
    'checkin:addresses': () => ({ addresses: ['192.0.2.2', '192.168.1.20'], suggested: '192.0.2.2' }),
    'checkin:list': () => ({ cards: [] }),
  });
  // Devices with fixed addresses in 192.168.1.0/24 and no gateway.
  const store = createCheckinStore(api, { reachable: (address) => address.startsWith('192.168.1.') });
  await store.getState().load();
  assert.deepEqual(store.getState().flashFields(true), {}, 'off: the devices could never report to 192.0.2.2');
  store.getState().setAddress('192.168.1.20');
  assert.deepEqual(store.getState().flashFields(true), { checkin: { address: '192.168.1.20' } }, 'on by default at their own subnet’s address');
  store.getState().setAddress('192.0.2.2');
  store.getState().setWanted(true);
  assert.deepEqual(store.getState().flashFields(true), { checkin: { address: '192.0.2.2' } }, 'the person’s choice wins');
});
