// Calls the official SDK's Admins module (oneentry@1.0.149) with strict
// validation: the shop's staff, names and roles only. Driven by
// TestOfficialSDKAdmins, which creates Olga (owner), Max (manager) and Sam
// (support).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sdk, ok, failsWith } from './helpers.mjs';

test('getAdminsInfo lists the staff with their names and roles, never emails', async () => {
  const client = sdk();
  const all = ok(await client.Admins.getAdminsInfo(), 'getAdminsInfo()');
  assert.deepEqual(all.map((a) => a.identifier), ['Olga', 'Max', 'Sam']);
  assert.equal(all[0].attributeValues.role.value, 'owner');
  assert.equal(all[1].attributeValues.name.value, 'Max');
  assert.ok(!JSON.stringify(all).includes('@shop.test'), 'emails are not shown');

  const page = ok(await client.Admins.getAdminsInfo([], 'en_US', 1, 1), 'getAdminsInfo page');
  assert.deepEqual(page.map((a) => a.identifier), ['Max']);

  const support = ok(await client.Admins.getAdminsInfo([
    { attributeMarker: 'role', conditionMarker: 'in', conditionValue: ['support', 'manager'] },
    { attributeMarker: 'name', conditionMarker: 'neq', conditionValue: 'Max' },
  ]), 'getAdminsInfo filtered');
  assert.deepEqual(support.map((a) => a.identifier), ['Sam']);
});

test('getAdminsInfo refuses unknown markers and conditions', async () => {
  const client = sdk();
  failsWith(await client.Admins.getAdminsInfo([{ attributeMarker: 'email', conditionMarker: 'eq', conditionValue: 'x' }]), 400, 'unknown marker');
  failsWith(await client.Admins.getAdminsInfo([{ attributeMarker: 'role', conditionMarker: 'mth', conditionValue: 'x' }]), 400, 'unknown condition');
});
