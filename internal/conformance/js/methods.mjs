// Calls the official OneEntry JS SDK (oneentry@1.0.149) against an OpenEntry
// server, method by method, with strict zod validation on. Driven by
// conformance_test.go; by hand:
//
//   OPENENTRY_URL=http://127.0.0.1:18080 OPENENTRY_APP_TOKEN=tok node --test methods.mjs
//
// With the default config (errors.isShell) the SDK returns error bodies instead
// of throwing them, and a response that fails its zod schema comes back as
// {statusCode: 422, message: 'Response validation failed', localizeMessage}.
// So every success check starts with ok(), and every error check with
// failsWith(). Each test makes the users and orders it looks at, so that the
// tests neither depend on nor disturb each other.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';

import { defineOneEntry } from 'oneentry';

import { URL, TOKEN, VALIDATION, sdk, ok, failsWith, uniqueEmail, credentials } from './helpers.mjs';

if (!URL || !TOKEN) {
  throw new Error('set OPENENTRY_URL and OPENENTRY_APP_TOKEN');
}

const SEED_EMAIL = 'your-user@email.com';
const SEED_PASSWORD = '123456';

/** Signs the seed user in on a new client. */
async function seedUser() {
  const client = sdk();
  const tokens = ok(await client.AuthProvider.auth('email', credentials(SEED_EMAIL, SEED_PASSWORD)), 'auth seed user');
  return { client, tokens };
}

/** Signs up a new user and signs it in on a new client. */
async function newUser(tag = 'user') {
  const email = uniqueEmail(tag);
  const password = `pw-${randomUUID()}`;
  const client = sdk();
  const signUp = ok(await client.AuthProvider.signUp('email', {
    formIdentifier: 'reg',
    authData: credentials(email, password).authData,
    formData: [{ marker: 'name_reg', type: 'string', value: `Name of ${tag}` }],
    notificationData: { email, phonePush: [], phoneSMS: '' },
  }), `signUp ${email}`);
  const tokens = ok(await client.AuthProvider.auth('email', credentials(email, password)), `auth ${email}`);
  return { client, email, password, signUp, tokens };
}

function orderBody(products, formData = [{ marker: 'name', type: 'string', value: 'Christina Thomas' }]) {
  return { formIdentifier: 'order', paymentAccountIdentifier: 'cash', formData, products };
}

async function createOrder(client, products, formData) {
  return ok(await client.Orders.createOrder('orders', orderBody(products, formData)), 'createOrder');
}

// ---------------------------------------------------------------- AuthProvider

test('AuthProvider.getAuthProviders lists the email provider', async () => {
  const got = ok(await sdk().AuthProvider.getAuthProviders(), 'getAuthProviders');
  assert.ok(Array.isArray(got), `got ${JSON.stringify(got)}, want an array`);
  assert.deepEqual(got.map((p) => p.identifier), ['email', 'email_confirm']);
  const [p] = got;
  assert.equal(typeof p.id, 'number');
  assert.equal(p.type, 'email');
  assert.equal(p.formIdentifier, 'reg');
  assert.equal(p.userGroupIdentifier, 'guest');
  assert.equal(p.isActive, true);
  assert.equal(p.isCheckCode, false);
  assert.deepEqual(p.localizeInfos, { title: 'Email' });
  assert.equal(p.config.accessTokenTtlSec, '36000');
  assert.equal(p.config.refreshTokenTtlMc, '604800');
});

test('AuthProvider.getAuthProviderByMarker returns one provider, 404 for an unknown one', async () => {
  const client = sdk();
  const p = ok(await client.AuthProvider.getAuthProviderByMarker('email'), 'getAuthProviderByMarker(email)');
  assert.equal(p.identifier, 'email');
  assert.equal(p.type, 'email');
  assert.equal(p.formIdentifier, 'reg');
  assert.equal(p.isActive, true);
  assert.deepEqual(p.localizeInfos, { title: 'Email' });
  failsWith(await client.AuthProvider.getAuthProviderByMarker('no-such-provider'), 404, 'getAuthProviderByMarker(unknown)');
});

test('AuthProvider.signUp creates an active user that can sign in', async () => {
  const email = uniqueEmail('signup');
  const client = sdk();
  const got = ok(await client.AuthProvider.signUp('email', {
    formIdentifier: 'reg',
    authData: [
      { marker: 'email_reg', value: email },
      { marker: 'password_reg', value: 's3cret-pw' },
    ],
    formData: [{ marker: 'name_reg', type: 'string', value: 'Ada Lovelace' }],
    notificationData: { email, phonePush: [], phoneSMS: '' },
  }), 'signUp');
  assert.equal(typeof got.id, 'number');
  assert.equal(got.identifier, email);
  assert.equal(got.isActive, true, 'provider email has isCheckCode false, so the user is active at once');
  assert.equal(got.notificationData.email, email);
  assert.deepEqual(got.notificationData.phonePush, []);
  assert.deepEqual(got.formData, [{ marker: 'name_reg', type: 'string', value: 'Ada Lovelace' }]);
  assert.ok(!JSON.stringify(got).includes('s3cret-pw'), `signUp echoes the password: ${JSON.stringify(got)}`);

  const tokens = ok(await client.AuthProvider.auth('email', credentials(email, 's3cret-pw')), 'auth new user');
  assert.equal(tokens.userIdentifier, email);
  assert.equal(tokens.authProviderIdentifier, 'email');

  const me = ok(await client.Users.getUser(), 'getUser new user');
  assert.equal(me.id, got.id);
  assert.equal(me.identifier, email);

  // The same login again is refused; the reference says 400 (OBS).
  failsWith(await sdk().AuthProvider.signUp('email', {
    formIdentifier: 'reg',
    authData: [
      { marker: 'email_reg', value: email },
      { marker: 'password_reg', value: 'other-pw' },
    ],
    formData: [],
    notificationData: { email, phonePush: [], phoneSMS: '' },
  }), 400, 'signUp with a taken login');
});

test('AuthProvider.auth signs the seed user in; a wrong password is 401', async () => {
  const client = sdk();
  const got = ok(await client.AuthProvider.auth('email', credentials(SEED_EMAIL, SEED_PASSWORD)), 'auth');
  assert.deepEqual(Object.keys(got).sort(), ['accessToken', 'authProviderIdentifier', 'refreshToken', 'userIdentifier']);
  assert.equal(got.userIdentifier, SEED_EMAIL);
  assert.equal(got.authProviderIdentifier, 'email');
  assert.equal(typeof got.accessToken, 'string');
  assert.ok(got.accessToken.length >= 16, `accessToken ${got.accessToken}`);
  assert.equal(typeof got.refreshToken, 'string');
  assert.ok(got.refreshToken.length >= 16, `refreshToken ${got.refreshToken}`);
  assert.notEqual(got.accessToken, got.refreshToken);
  // The SDK keeps the tokens and sends the access token on later calls.
  assert.equal(ok(await client.Users.getUser(), 'getUser after auth').identifier, SEED_EMAIL);

  failsWith(await sdk().AuthProvider.auth('email', credentials(SEED_EMAIL, 'wrong-password')), 401, 'auth wrong password');
  failsWith(await sdk().AuthProvider.auth('email', credentials(uniqueEmail('nobody'), SEED_PASSWORD)), 401, 'auth unknown user');
});

test('AuthProvider.refresh rotates the token pair', async () => {
  const { client, tokens } = await newUser('refresh');
  const got = ok(await client.AuthProvider.refresh('email', tokens.refreshToken), 'refresh');
  assert.equal(typeof got.accessToken, 'string');
  assert.equal(typeof got.refreshToken, 'string');
  assert.notEqual(got.refreshToken, tokens.refreshToken, 'refresh token was not rotated');
  // The access token may come out identical: a JWT of the same session signed
  // within the same second is byte-for-byte the same.

  // The new access token works (the SDK stored it).
  const me = ok(await client.Users.getUser(), 'getUser with refreshed token');
  assert.equal(me.authProviderIdentifier, 'email');

  // The rotated token works once more, through the SDK's own state.
  const third = ok(await client.AuthProvider.refresh('email', got.refreshToken), 'refresh with the rotated token');
  assert.notEqual(third.refreshToken, got.refreshToken, 'refresh token was not rotated the second time');
  ok(await client.Users.getUser(), 'getUser after the second refresh');

  // A refresh token is single-use: once its successor was used too, the
  // first one is refused with 400 (reference §1.5 item 6, §10 item 3), not
  // 401, even within the reuse window.
  failsWith(await sdk().AuthProvider.refresh('email', tokens.refreshToken), 400, 'refresh with a used token');
  failsWith(await sdk().AuthProvider.refresh('email', 'not-a-refresh-token'), 400, 'refresh with a made-up token');
});

test('AuthProvider.logout ends the session; its tokens then fail', async () => {
  const { client, tokens } = await newUser('logout');
  const got = await client.AuthProvider.logout('email', tokens.refreshToken);
  assert.equal(got, true, `logout: got ${JSON.stringify(got)}, want true`);

  // The SDK dropped its tokens; put the old access token back.
  client.Users.setAccessToken(tokens.accessToken);
  failsWith(await client.Users.getUser(), 401, 'getUser with the logged-out access token');
  client.Orders.setAccessToken(tokens.accessToken);
  failsWith(await client.Orders.getAllOrdersByMarker('orders'), 401, 'getAllOrdersByMarker with the logged-out access token');
  failsWith(await sdk().AuthProvider.refresh('email', tokens.refreshToken), 400, 'refresh with the logged-out refresh token');
});

// ---------------------------------------------------------------------- Users

test('Users.getUser returns the signed-in user', async () => {
  const { client } = await seedUser();
  const got = ok(await client.Users.getUser(), 'getUser');
  assert.equal(typeof got.id, 'number');
  assert.equal(got.identifier, SEED_EMAIL);
  assert.equal(got.authProviderIdentifier, 'email');
  assert.equal(got.formIdentifier, 'reg');
  assert.deepEqual(got.formData, [{ marker: 'name_reg', type: 'string', value: 'Christina Thomas' }]);
  assert.equal(typeof got.total, 'string');
  assert.ok(Array.isArray(got.groups), `groups ${JSON.stringify(got.groups)}`);
  assert.deepEqual(got.state, {});

  failsWith(await sdk().Users.getUser(), 401, 'getUser without a token');
});

// ---------------------------------------------------------------------- Forms

test('Forms.getAllForms lists reg and order', async () => {
  const got = ok(await sdk().Forms.getAllForms(), 'getAllForms');
  assert.ok(Array.isArray(got.items), `items ${JSON.stringify(got)}`);
  assert.deepEqual(got.items.map((f) => f.identifier).sort(), ['order', 'reg']);
  assert.equal(got.total, 2);
  const reg = got.items.find((f) => f.identifier === 'reg');
  assert.equal(reg.type, 'sing_in_up');
  assert.deepEqual(reg.attributes.map((a) => a.marker), ['email_reg', 'password_reg', 'name_reg', 'email_notifications']);
  assert.equal(reg.attributes[0].isLogin, true);
});

test('Forms.getFormByMarker returns the order form, 404 for an unknown one', async () => {
  const client = sdk();
  const got = ok(await client.Forms.getFormByMarker('order'), 'getFormByMarker(order)');
  assert.equal(got.identifier, 'order');
  assert.equal(got.type, 'order');
  assert.deepEqual(got.localizeInfos, { title: 'Order' });
  assert.deepEqual(got.attributes.map((a) => [a.marker, a.type]), [['name', 'string'], ['address', 'string'], ['comment', 'text']]);
  assert.deepEqual(got.attributes.map((a) => a.localizeInfos.title), ['Name', 'Delivery address', 'Comment']);
  failsWith(await client.Forms.getFormByMarker('no-such-form'), 404, 'getFormByMarker(unknown)');
});

// ------------------------------------------------------------------- Products

test('Products.getProductById prices product 14 at 340', async () => {
  const client = sdk();
  const got = ok(await client.Products.getProductById(14), 'getProductById(14)');
  assert.equal(got.id, 14);
  assert.equal(got.price, 340);
  assert.deepEqual(got.additional, { prices: { min: 340, max: 340 } });
  assert.deepEqual(got.localizeInfos, { title: 'Cosmo' });
  assert.equal(got.sku, 'COSMO-14');
  assert.equal(got.attributeValues.price.value, 340);
  assert.equal(got.attributeValues.currency.value, 'USD');
  failsWith(await client.Products.getProductById(999999), 404, 'getProductById(unknown)');
});

test('Products.getProductsByIds returns the asked products', async () => {
  // Signature (productsApi.d.ts): getProductsByIds(ids: string, langCode?, userQuery?).
  const got = ok(await sdk().Products.getProductsByIds('1,14'), "getProductsByIds('1,14')");
  assert.ok(Array.isArray(got), `got ${JSON.stringify(got)}, want an array`);
  assert.deepEqual(got.map((p) => [p.id, p.price]).sort((a, b) => a[0] - b[0]), [[1, 51], [14, 340]]);
  assert.deepEqual(got.map((p) => p.localizeInfos.title).sort(), ['Box', 'Cosmo']);
});

// --------------------------------------------------------------------- Orders

test('Orders.getAllOrdersStorage lists the orders storage', async () => {
  const { client } = await seedUser();
  const got = ok(await client.Orders.getAllOrdersStorage(), 'getAllOrdersStorage');
  assert.ok(Array.isArray(got), `got ${JSON.stringify(got)}, want an array`);
  assert.deepEqual(got.map((s) => s.identifier), ['orders']);
  assert.equal(got[0].formIdentifier, 'order');
  assert.deepEqual(got[0].paymentAccountIdentifiers, [{ identifier: 'cash' }]);
  assert.deepEqual(got[0].localizeInfos, { title: 'Orders' });
});

test('Orders.getOrdersStorageByMarker returns the storage, 404 for an unknown one', async () => {
  const { client } = await seedUser();
  const got = ok(await client.Orders.getOrdersStorageByMarker('orders'), 'getOrdersStorageByMarker(orders)');
  assert.equal(typeof got.id, 'number');
  assert.equal(got.identifier, 'orders');
  assert.equal(got.formIdentifier, 'order');
  assert.deepEqual(got.paymentAccountIdentifiers, [{ identifier: 'cash' }]);
  failsWith(await client.Orders.getOrdersStorageByMarker('no-such-storage'), 404, 'getOrdersStorageByMarker(unknown)');
});

test('Orders.createOrder prices the products in exact decimal money', async () => {
  const { client } = await seedUser();
  const cases = [
    { products: [{ productId: 14, quantity: 2 }, { productId: 2, quantity: 3 }], want: 717.5 }, // 680 + 37.5
    { products: [{ productId: 3, quantity: 3 }], want: 59.97 }, // 19.99*3 is 59.97000000000001 in float64
    { products: [{ productId: 15, quantity: 4 }, { productId: 3, quantity: 1 }], want: 48.99 }, // 29 + 19.99
    { products: [{ productId: 1, quantity: 1 }, { productId: 2, quantity: 1 }, { productId: 3, quantity: 1 }], want: 83.49 },
    { products: [{ productId: 14, quantity: 1 }], want: 340 },
  ];
  for (const { products, want } of cases) {
    const what = `createOrder ${JSON.stringify(products)}`;
    const got = ok(await client.Orders.createOrder('orders', orderBody(structuredClone(products))), what);
    assert.equal(typeof got.id, 'number', what);
    assert.equal(got.totalSum, want, `${what}: totalSum`);
    assert.equal(got.currency, 'USD', `${what}: currency`);
    assert.equal(got.formIdentifier, 'order', what);
    assert.equal(got.paymentAccountIdentifier, 'cash', what);
    assert.deepEqual(got.products, products, `${what}: products`);
    assert.equal(got.statusIdentifier, 'inProgress', `${what}: default status`);
    assert.ok(!Number.isNaN(Date.parse(got.createdDate)), `${what}: createdDate ${got.createdDate}`);
  }

  // Optional fields of the order form are kept.
  const formData = [
    { marker: 'name', type: 'string', value: 'Grace Hopper' },
    { marker: 'address', type: 'string', value: '1 Main St' },
    { marker: 'comment', type: 'text', value: 'ring twice' },
  ];
  const got = ok(await client.Orders.createOrder('orders', orderBody([{ productId: 1, quantity: 1 }], structuredClone(formData))), 'createOrder with all fields');
  assert.deepEqual(got.formData, formData);
});

test('Orders.getAllOrdersByMarker lists only the caller\'s orders, newest first', async () => {
  const { client } = await newUser('list');
  const made = [];
  for (const products of [[{ productId: 1, quantity: 1 }], [{ productId: 14, quantity: 1 }], [{ productId: 2, quantity: 2 }]]) {
    made.push(await createOrder(client, products));
  }
  const got = ok(await client.Orders.getAllOrdersByMarker('orders'), 'getAllOrdersByMarker');
  assert.equal(got.total, 3);
  assert.deepEqual(got.items.map((o) => o.id), made.map((o) => o.id).reverse(), 'want newest first');
  assert.deepEqual(got.items.map((o) => o.totalSum), ['25.00', '340.00', '51.00']);
  for (const o of got.items) {
    assert.equal(o.currency, 'USD');
    assert.equal(o.statusIdentifier, 'inProgress');
    assert.equal(o.paymentAccountIdentifier, 'cash');
  }

  // offset/limit page through the same list; total stays the full count.
  const page = ok(await client.Orders.getAllOrdersByMarker('orders', 'en_US', 1, 1), 'getAllOrdersByMarker offset 1 limit 1');
  assert.equal(page.total, 3);
  assert.deepEqual(page.items.map((o) => o.id), [made[1].id]);

  // Another user sees none of them.
  const other = await newUser('list-other');
  const theirs = ok(await other.client.Orders.getAllOrdersByMarker('orders'), 'getAllOrdersByMarker other user');
  assert.equal(theirs.total, 0);
  assert.deepEqual(theirs.items, []);
});

test('Orders.getOrderByMarkerAndId returns the order with totalSum as a string', async () => {
  const { client } = await seedUser();
  const made = await createOrder(client, [{ productId: 14, quantity: 1 }],
    [{ marker: 'name', type: 'string', value: 'Christina Thomas' }, { marker: 'address', type: 'string', value: '5 Elm St' }]);
  const got = ok(await client.Orders.getOrderByMarkerAndId('orders', made.id), 'getOrderByMarkerAndId');
  assert.equal(got.id, made.id);
  assert.equal(typeof got.storageId, 'number');
  assert.equal(got.totalSum, '340.00');
  assert.equal(got.currency, 'USD');
  assert.equal(got.statusIdentifier, 'inProgress');
  assert.equal(got.formIdentifier, 'order');
  assert.equal(got.paymentAccountIdentifier, 'cash');
  assert.equal(got.paymentUrl, null);
  assert.equal(got.isCompleted, false);
  assert.equal(got.createdDate, made.createdDate);
  assert.deepEqual(got.formData, [
    { marker: 'name', type: 'string', value: 'Christina Thomas' },
    { marker: 'address', type: 'string', value: '5 Elm St' },
  ]);
  assert.equal(got.products.length, 1);
  assert.equal(got.products[0].id, 14);
  assert.equal(got.products[0].quantity, 1);
  assert.equal(got.products[0].price, 340);

  failsWith(await client.Orders.getOrderByMarkerAndId('orders', 99999999), 404, 'getOrderByMarkerAndId(unknown id)');
  const other = await newUser('order-other');
  failsWith(await other.client.Orders.getOrderByMarkerAndId('orders', made.id), 404, "getOrderByMarkerAndId(another user's order)");
});

test('Orders.getAllStatusesByStorageMarker lists the statuses', async () => {
  const got = ok(await sdk().Orders.getAllStatusesByStorageMarker('orders'), 'getAllStatusesByStorageMarker');
  assert.ok(Array.isArray(got), `got ${JSON.stringify(got)}, want an array`);
  assert.deepEqual(got.map((s) => s.identifier), ['inProgress', 'completed', 'canceled']);
  assert.deepEqual(got.map((s) => s.isDefault), [true, false, false]);
  assert.deepEqual(got.map((s) => s.localizeInfos.title), ['In progress', 'Completed', 'Canceled']);
});

// ------------------------------------------------------------------- Payments

test('Payments: createSession, getSessionById, getSessionByOrderId, getSessions', async () => {
  const { client } = await newUser('pay');
  const order = await createOrder(client, [{ productId: 1, quantity: 1 }]);

  const s = ok(await client.Payments.createSession(order.id, 'session'), 'createSession');
  assert.equal(typeof s.id, 'number');
  assert.equal(s.orderId, order.id);
  assert.equal(s.type, 'session');
  assert.equal(s.status, 'waiting');
  assert.equal(s.paymentUrl, null);
  assert.equal(s.paymentAccountId, 1);
  assert.ok(!('clientSecret' in s), 'cash session has a clientSecret');
  assert.ok(!Number.isNaN(Date.parse(s.createdDate)), `createdDate ${s.createdDate}`);

  const again = ok(await client.Payments.createSession(order.id, 'session'), 'createSession again');
  assert.equal(again.id, s.id, 'a second createSession for a waiting order returns the same session');

  const byId = ok(await client.Payments.getSessionById(s.id), 'getSessionById');
  assert.equal(byId.id, s.id);
  assert.equal(byId.orderId, order.id);
  assert.equal(byId.status, 'waiting');
  assert.equal(byId.paymentUrl, null);

  const byOrder = ok(await client.Payments.getSessionByOrderId(order.id), 'getSessionByOrderId');
  assert.ok(!Array.isArray(byOrder), 'project decision (reference §8 Y3): one session object, not an array');
  assert.equal(byOrder.id, s.id);
  assert.equal(byOrder.orderId, order.id);
  assert.equal(byOrder.status, 'waiting');

  const order2 = await createOrder(client, [{ productId: 2, quantity: 1 }]);
  const s2 = ok(await client.Payments.createSession(order2.id, 'session'), 'createSession order 2');
  assert.notEqual(s2.id, s.id);
  const list = ok(await client.Payments.getSessions(), 'getSessions');
  assert.equal(list.total, 2);
  assert.deepEqual(list.items.map((x) => x.id).sort((a, b) => a - b), [s.id, s2.id].sort((a, b) => a - b));
  for (const x of list.items) assert.equal(x.status, 'waiting');

  failsWith(await client.Payments.getSessionById(99999999), 404, 'getSessionById(unknown)');
  failsWith(await client.Payments.getSessionByOrderId(99999999), 404, 'getSessionByOrderId(unknown order)');
  failsWith(await client.Payments.createSession(99999999, 'session'), 404, 'createSession(unknown order)');
});

test('Payments.getAccounts and getAccountById return the cash account', async () => {
  const { client } = await seedUser();
  const got = ok(await client.Payments.getAccounts(), 'getAccounts');
  assert.ok(Array.isArray(got), `got ${JSON.stringify(got)}, want an array`);
  assert.deepEqual(got.map((a) => [a.id, a.identifier, a.type]), [[1, 'cash', 'custom']]);
  assert.deepEqual(got[0].localizeInfos, { title: 'Cash' });
  assert.equal(got[0].isVisible, true);

  const one = ok(await client.Payments.getAccountById(1), 'getAccountById(1)');
  assert.equal(one.id, 1);
  assert.equal(one.identifier, 'cash');
  assert.equal(one.type, 'custom');
  assert.deepEqual(one.localizeInfos, { title: 'Cash' });
  failsWith(await client.Payments.getAccountById(99999), 404, 'getAccountById(unknown)');
});

// ------------------------------------------------------------- Error answers

test('createOrder errors: unknown storage 404, unknown product 400, quantity 0 400', async () => {
  const { client } = await newUser('order-errors');
  failsWith(await client.Orders.createOrder('no-such-storage', orderBody([{ productId: 1, quantity: 1 }])), 404, 'createOrder(unknown storage)');
  failsWith(await client.Orders.createOrder('orders', orderBody([{ productId: 424242, quantity: 1 }])), 400, 'createOrder(unknown product)');
  failsWith(await client.Orders.createOrder('orders', orderBody([{ productId: 1, quantity: 0 }])), 400, 'createOrder(quantity 0)');
  failsWith(await client.Orders.createOrder('orders', orderBody([{ productId: 1, quantity: -1 }])), 400, 'createOrder(quantity -1)');
  failsWith(await client.Orders.createOrder('orders', orderBody([])), 400, 'createOrder(no products)');
  failsWith(await client.Orders.createOrder('orders', orderBody([{ productId: 1, quantity: 1 }], [])), 400, 'createOrder(required name missing)');
  failsWith(await client.Orders.createOrder('orders', { ...orderBody([{ productId: 1, quantity: 1 }]), paymentAccountIdentifier: 'stripe' }), 400, 'createOrder(account not on the storage)');
  // None of the refused orders was stored.
  const list = ok(await client.Orders.getAllOrdersByMarker('orders'), 'getAllOrdersByMarker');
  assert.equal(list.total, 0, `stored: ${JSON.stringify(list.items)}`);

  failsWith(await sdk().Orders.createOrder('orders', orderBody([{ productId: 1, quantity: 1 }])), 401, 'createOrder without a user token');
});

test('a wrong app token is 403 on public and user routes', async () => {
  const { tokens } = await seedUser();
  const bad = defineOneEntry(URL, { token: 'wrong-app-token', validation: VALIDATION });
  failsWith(await bad.AuthProvider.getAuthProviders(), 403, 'getAuthProviders with a wrong app token');
  failsWith(await bad.Forms.getFormByMarker('order'), 403, 'getFormByMarker with a wrong app token');
  failsWith(await bad.Products.getProductById(14), 403, 'getProductById with a wrong app token');
  failsWith(await bad.AuthProvider.auth('email', credentials(SEED_EMAIL, SEED_PASSWORD)), 403, 'auth with a wrong app token');
  bad.Orders.setAccessToken(tokens.accessToken);
  failsWith(await bad.Orders.getAllOrdersByMarker('orders'), 403, 'getAllOrdersByMarker with a wrong app token and a valid user token');
});

test("payment sessions of another user's order are 404, both ways", async () => {
  const a = await newUser('owner-a');
  const b = await newUser('owner-b');
  const orderA = await createOrder(a.client, [{ productId: 1, quantity: 1 }]);
  const orderB = await createOrder(b.client, [{ productId: 2, quantity: 1 }]);
  const sessionA = ok(await a.client.Payments.createSession(orderA.id, 'session'), 'createSession A');
  const sessionB = ok(await b.client.Payments.createSession(orderB.id, 'session'), 'createSession B');

  failsWith(await b.client.Payments.getSessionByOrderId(orderA.id), 404, "B: getSessionByOrderId(A's order)");
  failsWith(await a.client.Payments.getSessionByOrderId(orderB.id), 404, "A: getSessionByOrderId(B's order)");
  failsWith(await b.client.Payments.getSessionById(sessionA.id), 404, "B: getSessionById(A's session)");
  failsWith(await a.client.Payments.getSessionById(sessionB.id), 404, "A: getSessionById(B's session)");
  failsWith(await b.client.Payments.createSession(orderA.id, 'session'), 404, "B: createSession(A's order)");

  // Each still sees its own.
  assert.equal(ok(await a.client.Payments.getSessionByOrderId(orderA.id), 'A own').id, sessionA.id);
  assert.equal(ok(await b.client.Payments.getSessionByOrderId(orderB.id), 'B own').id, sessionB.id);
  const listA = ok(await a.client.Payments.getSessions(), 'getSessions A');
  assert.deepEqual(listA.items.map((s) => s.id), [sessionA.id]);
  assert.equal(listA.total, 1);
});

// --------------------------------------------------------- Automatic refresh

test('the SDK refreshes on 401 with config.auth.refreshToken and retries', async () => {
  // A refresh token from a sign-in on another client (another fingerprint).
  const { tokens } = await newUser('autorefresh');
  const saved = [];
  const client = sdk({ auth: { refreshToken: tokens.refreshToken, saveFunction: (rt) => saved.push(rt) } });

  // No access token yet: the first call gets 401, the SDK POSTs
  // /users-auth-providers/marker/email/users/refresh and replays the call.
  const order = ok(await client.Orders.createOrder('orders', orderBody([{ productId: 15, quantity: 2 }])), 'createOrder after automatic refresh');
  assert.equal(order.totalSum, 14.5);
  assert.equal(saved.length, 1, `saveFunction calls: ${JSON.stringify(saved)}`);
  assert.notEqual(saved[0], tokens.refreshToken, 'the refresh token was not rotated');

  const list = ok(await client.Orders.getAllOrdersByMarker('orders'), 'getAllOrdersByMarker with the refreshed token');
  assert.deepEqual(list.items.map((o) => o.id), [order.id]);
  assert.equal(saved.length, 1, 'a second refresh happened although the access token was fresh');

  // An invalid access token is replaced the same way.
  client.Orders.setAccessToken('not-a-valid-access-token');
  const again = ok(await client.Orders.getOrderByMarkerAndId('orders', order.id), 'getOrderByMarkerAndId after refreshing an invalid token');
  assert.equal(again.totalSum, '14.50');
  assert.equal(saved.length, 2, `saveFunction calls: ${JSON.stringify(saved)}`);

  // The refresh token handed to the config was spent by the first refresh,
  // and the session has moved on since (its successor was used): refused.
  failsWith(await sdk().AuthProvider.refresh('email', tokens.refreshToken), 400, 'refresh with the spent config token');
});

test('without a usable refresh token the SDK returns the original 401', async () => {
  const client = sdk({ auth: { refreshToken: 'not-a-refresh-token' } });
  failsWith(await client.Orders.getAllOrdersByMarker('orders'), 401, 'getAllOrdersByMarker with a bad refresh token');
});

test('parallel 401s: every call gets the pair of one rotation, as the template fires them after a page load', async () => {
  const { tokens } = await newUser('parallel');
  const client = sdk({ auth: { refreshToken: tokens.refreshToken } });
  // No access token: all three get 401 and each calls refreshToken() with the
  // same state.refreshToken before any answer is back (asyncModules.js). The
  // server rotates once and answers the others, within its reuse window,
  // with the same pair: all three retries succeed.
  const first = await Promise.all([
    client.Orders.getAllOrdersByMarker('orders'),
    client.Payments.getSessions(),
    client.Users.getUser(),
  ]);
  first.forEach((r, i) => ok(r, `call ${i} of the parallel batch`));
  const after = await Promise.all([
    client.Orders.getAllOrdersByMarker('orders'),
    client.Payments.getSessions(),
    client.Users.getUser(),
  ]);
  after.forEach((r, i) => ok(r, `call ${i} after the parallel refresh`));
});

// ---------------------------------------------------- Orders: update, preview

test('Orders.updateOrderByMarkerAndId reprices new products and changes form data', async () => {
  const { client } = await seedUser();
  const created = await createOrder(client, [{ productId: 14, quantity: 1 }]);
  const got = ok(await client.Orders.updateOrderByMarkerAndId('orders', created.id, {
    formData: [{ marker: 'name', type: 'string', value: 'Ann Updated' }],
    products: [{ productId: 14, quantity: 2 }, { productId: 3, quantity: 3 }],
  }), 'updateOrderByMarkerAndId');
  assert.equal(got.id, created.id);
  assert.equal(got.totalSum, 739.97); // 680 + 59.97, a number here
  assert.equal(got.currency, 'USD');
  assert.deepEqual(got.products, [{ productId: 14, quantity: 2 }, { productId: 3, quantity: 3 }]);
  assert.deepEqual(got.formData, [{ marker: 'name', type: 'string', value: 'Ann Updated' }]);
  const read = ok(await client.Orders.getOrderByMarkerAndId('orders', created.id), 'getOrderByMarkerAndId after update');
  assert.equal(read.totalSum, '739.97');
  failsWith(await client.Orders.updateOrderByMarkerAndId('orders', created.id, { products: [{ productId: 9999, quantity: 1 }] }), 400, 'unknown product');
  failsWith(await client.Orders.updateOrderByMarkerAndId('orders', 999999, { products: [{ productId: 14, quantity: 1 }] }), 404, 'unknown order');
});

test('Orders.updateOrderByMarkerAndId cancels as the template does, and a canceled order is not paid', async () => {
  const { client } = await seedUser();
  const created = await createOrder(client, [{ productId: 14, quantity: 1 }, { productId: 2, quantity: 2 }]);
  ok(await client.Payments.createSession(created.id, 'session'), 'createSession (cash)');
  const read = ok(await client.Orders.getOrderByMarkerAndId('orders', created.id), 'getOrderByMarkerAndId');
  // The template's CancelOrderButton: the whole order it read, its products
  // as {productId, quantity}, and statusIdentifier 'canceled'.
  const body = {
    ...read,
    products: read.products.map((p) => ({ productId: p.id, quantity: p.quantity })),
    statusIdentifier: 'canceled',
  };
  const got = ok(await client.Orders.updateOrderByMarkerAndId('orders', created.id, body), 'cancel');
  assert.equal(got.statusIdentifier, 'canceled');
  assert.equal(got.totalSum, 365);
  const session = ok(await client.Payments.getSessionByOrderId(created.id), 'getSessionByOrderId after cancel');
  assert.equal(session.status, 'canceled');
  failsWith(await client.Payments.createSession(created.id, 'session'), 409, 'createSession on a canceled order');
  failsWith(await client.Orders.updateOrderByMarkerAndId('orders', created.id, body), 409, 'update of a canceled order');
});

test('Orders.previewOrder prices a cart without placing it', async () => {
  const { client } = await seedUser();
  const before = ok(await client.Orders.getAllOrdersByMarker('orders'), 'getAllOrdersByMarker');
  const got = ok(await client.Orders.previewOrder({ products: [{ productId: 14, quantity: 2 }, { productId: 3, quantity: 3 }] }), 'previewOrder');
  assert.equal(got.totalSum, 739.97);
  assert.equal(got.totalSumWithDiscount, 739.97);
  assert.equal(got.totalDue, 739.97);
  assert.equal(got.currency, 'USD');
  assert.deepEqual(got.orderPreview.map((l) => [l.id, l.price, l.quantity]), [[14, 340, 2], [3, 19.99, 3]]);
  failsWith(await client.Orders.previewOrder({ products: [{ productId: 14, quantity: 1 }], couponCode: 'NOPE' }), 400, 'unknown coupon');
  const after = ok(await client.Orders.getAllOrdersByMarker('orders'), 'getAllOrdersByMarker');
  assert.equal(after.total, before.total, 'a preview placed an order');
});

// ------------------------------------- the template's sign-up and profile form

test("AuthProvider.signUp and Users.updateUser as the template's forms send them", async () => {
  const email = uniqueEmail('tpl');
  const password = `pw-${randomUUID()}`;
  const client = sdk();
  // SignUpForm.tsx repeats the login and password markers in formData.
  ok(await client.AuthProvider.signUp('email', {
    formIdentifier: 'reg',
    authData: credentials(email, password).authData,
    formData: [
      { marker: 'email_reg', type: 'string', value: email },
      { marker: 'password_reg', type: 'string', value: password },
      { marker: 'name_reg', type: 'string', value: 'Template' },
    ],
    notificationData: { email, phonePush: [], phoneSMS: '' },
  }), 'signUp with login and password in formData');
  ok(await client.AuthProvider.auth('email', credentials(email, password)), 'auth');
  const user = ok(await client.Users.getUser(), 'getUser');
  const byMarker = Object.fromEntries(user.formData.map((f) => [f.marker, f.value]));
  assert.equal(byMarker.email_reg, email, 'the template reads formData email_reg back');
  assert.equal(byMarker.name_reg, 'Template');
  assert.ok(!('password_reg' in byMarker), 'a password in formData is never stored');
  // UserForm.tsx: every field again, and an empty password when it was not changed.
  assert.equal(ok(await client.Users.updateUser({
    formIdentifier: 'reg',
    formData: [
      { marker: 'email_reg', value: email, type: 'string' },
      { marker: 'password_reg', value: '', type: 'string' },
      { marker: 'name_reg', value: 'Template Two', type: 'string' },
    ],
    authData: [{ marker: 'password_reg', value: '' }],
    notificationData: { email, phonePush: [], phoneSMS: '' },
    state: {},
  }), 'updateUser with an empty password'), true);
  ok(await sdk().AuthProvider.auth('email', credentials(email, password)), 'the password is unchanged');
  const updated = ok(await client.Users.getUser(), 'getUser after update');
  assert.equal(Object.fromEntries(updated.formData.map((f) => [f.marker, f.value])).name_reg, 'Template Two');
});
