// Calls the official SDK's IntegrationCollections methods (oneentry@1.0.149),
// all nine, with strict zod validation, against a project with a private
// wishlist (rows their owner's) and a public faq. Driven by
// TestOfficialSDKCollections; by hand, against a server with that project:
//
//   OPENENTRY_URL=http://127.0.0.1:8080 OPENENTRY_APP_TOKEN=tok node --test collections.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sdk, ok, failsWith, credentials, uniqueEmail } from './helpers.mjs';

async function signedIn() {
  const client = sdk();
  ok(await client.AuthProvider.auth('email', credentials('your-user@email.com', '123456')), 'auth seed user');
  return client;
}

async function signedUp() {
  const client = sdk();
  const email = uniqueEmail('collections');
  ok(await client.AuthProvider.signUp('email', {
    formIdentifier: 'reg',
    authData: [{ marker: 'email_reg', value: email }, { marker: 'password_reg', value: '123456' }],
    formData: [{ marker: 'name_reg', type: 'string', value: 'Second' }],
    notificationData: { email, phonePush: [], phoneSMS: '' },
  }), 'signUp');
  ok(await client.AuthProvider.auth('email', credentials(email, '123456')), 'auth new user');
  return client;
}

function wish(productId, note) {
  return {
    formIdentifier: 'wish',
    formData: [
      { marker: 'product_id', type: 'integer', value: productId },
      { marker: 'note', type: 'string', value: note },
    ],
  };
}

test('getICollections, getICollectionById and validateICollectionMarker describe the collections', async () => {
  const client = sdk();
  const all = ok(await client.IntegrationCollections.getICollections('fr_FR'), 'getICollections');
  assert.deepEqual(all.map((c) => c.identifier), ['wishlist', 'faq']);
  const [wishlist] = all;
  assert.equal(wishlist.localizeInfos.title, 'Envies');
  assert.equal(wishlist.selectedAttributeMarkers, 'product_id,note');
  assert.equal(typeof wishlist.formId, 'number');
  const one = ok(await client.IntegrationCollections.getICollectionById(wishlist.id, 'en_US'), 'getICollectionById');
  assert.equal(one.identifier, 'wishlist');
  assert.equal(one.localizeInfos.title, 'Wishlist');
  failsWith(await client.IntegrationCollections.getICollectionById(99999, 'en_US'), 404, 'an unknown collection');
  assert.deepEqual(ok(await client.IntegrationCollections.validateICollectionMarker('faq'), 'validate faq'), { valid: true });
  assert.deepEqual(ok(await client.IntegrationCollections.validateICollectionMarker('nope'), 'validate nope'), { valid: false });
});

test('a user creates, reads, updates and deletes wishlist rows; nobody else can', async () => {
  const ann = await signedIn();
  const bob = await signedUp();
  const ic = ann.IntegrationCollections;
  const created = ok(await ic.createICollectionRow('wishlist', wish(14, 'for winter'), 'en_US'), 'createICollectionRow');
  // The wire carries values as strings (the schema's z.string()); the SDK
  // turns those of integer fields back into numbers.
  assert.deepEqual(created.formData.map((f) => [f.marker, f.value]), [['product_id', 14], ['note', 'for winter']]);
  assert.equal(created.entityType, null);
  const id = created.id;

  const rows = ok(await ic.getICollectionRowsByMarker('wishlist', 'en_US'), 'getICollectionRowsByMarker');
  assert.ok(rows.items.some((r) => r.id === id));
  assert.equal(rows.total, rows.items.length);
  const [collection] = ok(await ic.getICollections('en_US'), 'getICollections');
  const byId = ok(await ic.getICollectionRowsById(collection.id, 'en_US', { offset: 0, limit: 1 }), 'getICollectionRowsById');
  assert.equal(byId.items.length, 1);
  assert.equal(byId.items[0].id, rows.items[0].id, 'newest first');
  const one = ok(await ic.getICollectionRowByMarkerAndId('wishlist', id, 'en_US'), 'getICollectionRowByMarkerAndId');
  assert.equal(one.collectionId, collection.id);

  // Bob sees none of Ann's rows and can change none.
  const bobs = ok(await bob.IntegrationCollections.getICollectionRowsByMarker('wishlist', 'en_US'), 'Bob lists');
  assert.equal(bobs.items.some((r) => r.id === id), false);
  failsWith(await bob.IntegrationCollections.getICollectionRowByMarkerAndId('wishlist', id, 'en_US'), 404, 'Bob reads Ann\'s row');
  failsWith(await bob.IntegrationCollections.updateICollectionRow('wishlist', id, wish(1, 'mine'), 'en_US'), 404, 'Bob updates Ann\'s row');
  failsWith(await bob.IntegrationCollections.deleteICollectionRowByMarkerAndId('wishlist', id), 404, 'Bob deletes Ann\'s row');

  const updated = ok(await ic.updateICollectionRow('wishlist', id, wish(15, 'changed'), 'en_US'), 'updateICollectionRow');
  assert.deepEqual(updated.formData.map((f) => f.value), [15, 'changed']);
  assert.equal(ok(await ic.deleteICollectionRowByMarkerAndId('wishlist', id), 'deleteICollectionRowByMarkerAndId'), true);
  failsWith(await ic.deleteICollectionRowByMarkerAndId('wishlist', id), 404, 'deleted twice');
});

test('bad rows are 4xx errors that name the field', async () => {
  const client = await signedIn();
  const ic = client.IntegrationCollections;
  failsWith(await sdk().IntegrationCollections.createICollectionRow('wishlist', wish(1, ''), 'en_US'), 401, 'a guest creates');
  failsWith(await ic.createICollectionRow('nope', wish(1, ''), 'en_US'), 404, 'an unknown collection');
  const missing = failsWith(await ic.createICollectionRow('wishlist',
    { formIdentifier: 'wish', formData: [{ marker: 'note', type: 'string', value: 'x' }] }, 'en_US'), 400, 'a required value missing');
  assert.match(missing.message, /product_id/);
  const typed = failsWith(await ic.createICollectionRow('wishlist', wish('fourteen', ''), 'en_US'), 400, 'a wrong type');
  assert.match(typed.message, /product_id/);
  failsWith(await ic.getICollectionRowsByMarker('nope', 'en_US'), 404, 'rows of an unknown collection');
});

test('a public collection\'s rows are anyone\'s to read', async () => {
  const client = await signedIn();
  const row = ok(await client.IntegrationCollections.createICollectionRow('faq',
    { formIdentifier: 'faq_form', formData: { en_US: [{ marker: 'question', type: 'string', value: 'Shipping?' }] } }, 'en_US'), 'create faq row');
  const guest = sdk().IntegrationCollections;
  const rows = ok(await guest.getICollectionRowsByMarker('faq', 'en_US'), 'guest lists faq');
  assert.ok(rows.items.some((r) => r.id === row.id));
  const one = ok(await guest.getICollectionRowByMarkerAndId('faq', row.id, 'en_US'), 'guest reads a faq row');
  assert.equal(one.formData[0].value, 'Shipping?');
});
