// Calls the official SDK's Events methods (oneentry@1.0.149) with strict
// validation, with the markers OneEntry's e-commerce template subscribes to
// when a signed-in user adds a product to the cart. Driven by
// TestOfficialSDKEvents; by hand, against `openentry serve --demo`:
//
//   OPENENTRY_URL=http://127.0.0.1:8080 OPENENTRY_APP_TOKEN=tok node --test events.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sdk, ok, failsWith, credentials } from './helpers.mjs';

test('a user subscribes to a product as the template does, lists and unsubscribes', async () => {
  const client = sdk();
  ok(await client.AuthProvider.auth('email', credentials('your-user@email.com', '123456')), 'auth seed user');
  for (const marker of ['catalog_event', 'status_out_of_stock', 'product_price']) {
    assert.equal(ok(await client.Events.subscribeByMarker(marker, 100), `subscribeByMarker(${marker})`), true);
  }
  assert.equal(ok(await client.Events.subscribeByMarker('product_price', 100, 'fr_FR'), 'subscribe again'), true);
  const subs = ok(await client.Events.getAllSubscriptions(), 'getAllSubscriptions');
  assert.equal(subs.total, 3);
  assert.deepEqual(subs.items.map((s) => [s.eventMarker, s.productId]),
    [['catalog_event', 100], ['status_out_of_stock', 100], ['product_price', 100]]);
  const page = ok(await client.Events.getAllSubscriptions(1, 1), 'getAllSubscriptions(1, 1)');
  assert.equal(page.total, 3);
  assert.deepEqual(page.items, [{ eventMarker: 'status_out_of_stock', productId: 100 }]);

  assert.equal(ok(await client.Events.unsubscribeByMarker('catalog_event', 100), 'unsubscribeByMarker'), true);
  assert.equal(ok(await client.Events.unsubscribeByMarker('catalog_event', 100), 'unsubscribe again'), true);
  assert.equal(ok(await client.Events.getAllSubscriptions(0, 30), 'after unsubscribing').total, 2);
});

// subscribeByMarker and unsubscribeByMarker answer true whatever the server
// says unless the SDK throws on errors (isShell: false), when they return
// the error instead.
test('unknown events and products are 404s, guests are refused', async () => {
  const client = sdk({ errors: { isShell: false } });
  ok(await client.AuthProvider.auth('email', credentials('your-user@email.com', '123456')), 'auth seed user');
  failsWith(await client.Events.subscribeByMarker('no_such_event', 100), 404, 'unknown event');
  failsWith(await client.Events.subscribeByMarker('product_price', 999999), 404, 'unknown product');
  failsWith(await client.Events.unsubscribeByMarker('no_such_event', 100), 404, 'unsubscribe from an unknown event');
  failsWith(await sdk().Events.getAllSubscriptions(), 401, 'getAllSubscriptions as a guest');
});
