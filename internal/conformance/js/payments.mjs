// Calls the official OneEntry JS SDK (oneentry@1.0.149) against an OpenEntry
// server whose stripe account talks to stripe-mock, with strict zod
// validation on: payment accounts, Stripe checkout sessions and intents, the
// Stripe webhook that marks an order paid, and refund requests. Driven by
// conformance_test.go (TestOfficialSDKPayments), which passes the webhook
// signing secret in OPENENTRY_STRIPE_WEBHOOK_SECRET and stripe-go's API
// version in OPENENTRY_STRIPE_API_VERSION, so that this script can sign
// events exactly as Stripe does (see stripeSignature).
//
// As in methods.mjs, with the default config (errors.isShell) the SDK returns
// error bodies instead of throwing them, so every success check starts with
// ok() and every error check with failsWith(). Each test makes the users and
// orders it looks at.
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { test } from 'node:test';

import { URL, TOKEN, VALIDATION, sdk, ok, failsWith, credentials } from './helpers.mjs';

const WEBHOOK_SECRET = process.env.OPENENTRY_STRIPE_WEBHOOK_SECRET;
const API_VERSION = process.env.OPENENTRY_STRIPE_API_VERSION;
if (!URL || !TOKEN || !WEBHOOK_SECRET || !API_VERSION) {
  throw new Error('set OPENENTRY_URL, OPENENTRY_APP_TOKEN, OPENENTRY_STRIPE_WEBHOOK_SECRET and OPENENTRY_STRIPE_API_VERSION');
}

const WEBHOOK_PATH = '/api/content/payments/webhook/stripe';

/** Asserts that an SDK result is exactly true (the answer of the refund calls). */
function isTrue(result, what) {
  ok(result, what);
  assert.equal(result, true, `${what}: got ${JSON.stringify(result)}, want true`);
}

/** Signs up a new user and signs it in on a new client. */
async function newUser(tag) {
  const email = `${tag}-${randomUUID()}@example.test`;
  const password = `pw-${randomUUID()}`;
  const client = sdk();
  ok(await client.AuthProvider.signUp('email', {
    formIdentifier: 'reg',
    authData: credentials(email, password).authData,
    formData: [{ marker: 'name_reg', type: 'string', value: `Name of ${tag}` }],
    notificationData: { email, phonePush: [], phoneSMS: '' },
  }), `signUp ${email}`);
  const tokens = ok(await client.AuthProvider.auth('email', credentials(email, password)), `auth ${email}`);
  return { client, email, tokens };
}

/** Creates an order of product 14 ×1 and product 2 ×2 (365.00 USD) on the account. */
async function createOrder(client, account) {
  const order = ok(await client.Orders.createOrder('orders', {
    formIdentifier: 'order',
    paymentAccountIdentifier: account,
    formData: [{ marker: 'name', type: 'string', value: 'Christina Thomas' }],
    products: [{ productId: 14, quantity: 1 }, { productId: 2, quantity: 2 }],
  }), `createOrder on ${account}`);
  assert.equal(order.totalSum, 365);
  assert.equal(order.paymentAccountIdentifier, account);
  return order;
}

// ------------------------------------------------------------------- Webhook

/**
 * The Stripe-Signature header Stripe sends: t=<unix seconds>,v1=<hex
 * HMAC-SHA256 of "<t>.<body>" keyed with the endpoint's signing secret>.
 */
function stripeSignature(body, secret = WEBHOOK_SECRET, t = Math.floor(Date.now() / 1000)) {
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');
  return `t=${t},v1=${v1}`;
}

/** A checkout.session.completed event for payment session sessionId, as Stripe's JSON text. */
function checkoutCompleted(sessionId, paymentStatus = 'paid') {
  return JSON.stringify({
    id: `evt_js_${randomUUID()}`,
    object: 'event',
    api_version: API_VERSION,
    type: 'checkout.session.completed',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: {
      object: {
        id: `cs_test_${sessionId}`,
        object: 'checkout.session',
        payment_status: paymentStatus,
        client_reference_id: String(sessionId),
        payment_intent: `pi_test_${sessionId}`,
        metadata: { payment_session_id: String(sessionId) },
      },
    },
  });
}

/** POSTs body to the webhook as Stripe does (no app token); signature null sends no header. */
async function deliver(body, signature) {
  const headers = { 'Content-Type': 'application/json' };
  if (signature !== null) {
    headers['Stripe-Signature'] = signature;
  }
  const res = await fetch(`${URL}${WEBHOOK_PATH}`, { method: 'POST', headers, body });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

/** Creates a Stripe order for client, opens a checkout and has Stripe report it paid. */
async function paidOrder(client) {
  const order = await createOrder(client, 'stripe');
  const session = ok(await client.Payments.createSession(order.id, 'session'), 'createSession for the order to pay');
  const body = checkoutCompleted(session.id);
  const got = await deliver(body, stripeSignature(body));
  assert.deepEqual(got, { status: 200, body: { received: true, outcome: 'applied' } }, 'webhook checkout.session.completed');
  return { order, session };
}

// ------------------------------------------------------------------ Accounts

test('Payments.getAccounts lists cash and stripe, and no secret is in the JSON', async () => {
  const { client, tokens } = await newUser('accounts');
  const got = ok(await client.Payments.getAccounts(), 'getAccounts');
  assert.ok(Array.isArray(got), `got ${JSON.stringify(got)}, want an array`);
  assert.deepEqual(got.map((a) => [a.identifier, a.type]), [['cash', 'custom'], ['stripe', 'stripe']]);
  const stripe = got[1];
  assert.equal(typeof stripe.id, 'number');
  assert.equal(stripe.isVisible, true);
  assert.equal(stripe.testMode, true);
  assert.deepEqual(stripe.localizeInfos, { title: 'Card (Stripe)' });

  const one = ok(await client.Payments.getAccountById(stripe.id), 'getAccountById(stripe)');
  assert.equal(one.identifier, 'stripe');
  assert.equal(one.type, 'stripe');

  // The SDK's zod parse drops unknown keys, so look at the raw answers too.
  for (const path of ['/payments/accounts', `/payments/accounts/${stripe.id}`]) {
    const res = await fetch(`${URL}/api/content${path}`, {
      headers: { 'Content-Type': 'application/json', 'x-app-token': TOKEN, Authorization: `Bearer ${tokens.accessToken}` },
    });
    assert.equal(res.status, 200, `GET ${path}`);
    const raw = await res.text();
    for (const secret of ['sk_test', 'whsec_', WEBHOOK_SECRET]) {
      assert.ok(!raw.includes(secret), `GET ${path} leaks ${secret}: ${raw}`);
    }
  }

  const storage = ok(await client.Orders.getOrdersStorageByMarker('orders'), 'getOrdersStorageByMarker(orders)');
  assert.deepEqual(storage.paymentAccountIdentifiers, [{ identifier: 'cash' }, { identifier: 'stripe' }]);
});

// ------------------------------------------------------- Checkout and intent

test('Payments.createSession on a stripe order: a waiting checkout with an https:// URL, the same one twice', async () => {
  const { client } = await newUser('checkout');
  const order = await createOrder(client, 'stripe');
  const s = ok(await client.Payments.createSession(order.id, 'session'), 'createSession(session)');
  assert.equal(typeof s.id, 'number');
  assert.equal(s.orderId, order.id);
  assert.equal(s.type, 'session');
  assert.equal(s.status, 'waiting');
  assert.equal(typeof s.paymentUrl, 'string');
  assert.match(s.paymentUrl, /^https:\/\//);
  assert.ok(!('clientSecret' in s), `a checkout session has a clientSecret: ${JSON.stringify(s)}`);

  const again = ok(await client.Payments.createSession(order.id, 'session'), 'createSession again');
  assert.equal(again.id, s.id, 'a second createSession for a waiting order returns the same session');
  assert.equal(again.paymentUrl, s.paymentUrl);

  const read = ok(await client.Orders.getOrderByMarkerAndId('orders', order.id), 'getOrderByMarkerAndId');
  assert.equal(read.paymentUrl, s.paymentUrl, 'the order carries the checkout URL');
  assert.equal(read.isCompleted, false);
  const byOrder = ok(await client.Payments.getSessionByOrderId(order.id), 'getSessionByOrderId');
  assert.equal(byOrder.id, s.id);
  assert.equal(byOrder.status, 'waiting');
});

test("Payments.createSession(id, 'intent') answers the amount and a clientSecret", async () => {
  const { client } = await newUser('intent');
  const order = await createOrder(client, 'stripe');
  const s = ok(await client.Payments.createSession(order.id, 'intent'), 'createSession(intent)');
  assert.equal(s.orderId, order.id);
  assert.equal(s.type, 'intent');
  assert.equal(s.status, 'waiting');
  assert.equal(s.amount, 365);
  assert.equal(typeof s.clientSecret, 'string');
  assert.ok(s.clientSecret.length > 0, 'empty clientSecret');
  assert.equal(s.paymentUrl, null);
});

// ------------------------------------------------------------------- Webhook

test('a signed checkout.session.completed completes the session and the order; a bad signature is 400', async () => {
  const { client } = await newUser('webhook');
  const order = await createOrder(client, 'stripe');
  const s = ok(await client.Payments.createSession(order.id, 'session'), 'createSession');
  const body = checkoutCompleted(s.id);

  // Refused before anything is read: wrong secret, no header, stale, tampered.
  const refused = [
    ['wrong secret', body, stripeSignature(body, 'whsec_wrong')],
    ['no signature', body, null],
    ['stale timestamp', body, stripeSignature(body, WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 600)],
    ['tampered body', body.replace('"paid"', '"unpaid"'), stripeSignature(body)],
  ];
  for (const [what, b, sig] of refused) {
    const got = await deliver(b, sig);
    assert.equal(got.status, 400, `${what}: got ${got.status} ${JSON.stringify(got.body)}, want 400`);
  }
  assert.equal(ok(await client.Payments.getSessionByOrderId(order.id), 'getSessionByOrderId after refused events').status, 'waiting');

  assert.deepEqual(await deliver(body, stripeSignature(body)), { status: 200, body: { received: true, outcome: 'applied' } }, 'signed event');
  assert.deepEqual(await deliver(body, stripeSignature(body)), { status: 200, body: { received: true, outcome: 'replayed' } }, 'the same event again');

  const session = ok(await client.Payments.getSessionByOrderId(order.id), 'getSessionByOrderId after payment');
  assert.equal(session.id, s.id);
  assert.equal(session.status, 'completed');
  const paid = ok(await client.Orders.getOrderByMarkerAndId('orders', order.id), 'getOrderByMarkerAndId after payment');
  assert.equal(paid.isCompleted, true);
  assert.equal(paid.statusIdentifier, 'completed');

  failsWith(await client.Payments.createSession(order.id, 'session'), 409, 'createSession on the paid order');
  failsWith(await client.Payments.createSession(order.id, 'intent'), 409, 'createSession(intent) on the paid order');
});

// ------------------------------------------------------------------- Refunds

test('Orders refunds: getRefunds, createRefundRequest, cancelRefundRequest on a paid order', async () => {
  const { client, email } = await newUser('refund');
  const { order } = await paidOrder(client);

  assert.deepEqual(ok(await client.Orders.getRefunds(order.id), 'getRefunds before any request'), []);
  isTrue(await client.Orders.createRefundRequest(order.id, { products: { 14: { quantity: 1 } }, note: 'broken' }), 'createRefundRequest');

  const list = ok(await client.Orders.getRefunds(order.id), 'getRefunds');
  assert.ok(Array.isArray(list), `got ${JSON.stringify(list)}, want an array`);
  assert.equal(list.length, 1, `refunds: ${JSON.stringify(list)}`);
  const [r] = list;
  assert.deepEqual(Object.keys(r).sort(), ['amount', 'createdDate', 'id', 'note', 'orderId', 'orderStorage', 'orderStorageId',
    'products', 'status', 'user', 'userId']);
  assert.equal(typeof r.id, 'number');
  assert.equal(r.status, 'waiting');
  assert.equal(r.amount, 340);
  assert.equal(r.note, 'broken');
  assert.deepEqual(r.products, { 14: { quantity: 1 } });
  assert.equal(r.orderId, order.id);
  assert.equal(typeof r.orderStorageId, 'number');
  assert.deepEqual(r.orderStorage, { id: r.orderStorageId, identifier: 'orders' });
  assert.equal(typeof r.userId, 'number');
  assert.deepEqual(r.user, { id: r.userId, identifier: email });
  assert.ok(!Number.isNaN(Date.parse(r.createdDate)), `createdDate ${r.createdDate}`);

  // More of product 14 than is left is refused; the order has one 14.
  failsWith(await client.Orders.createRefundRequest(order.id, { products: { 14: { quantity: 1 } } }), 400, 'createRefundRequest for more than is left');

  isTrue(await client.Orders.cancelRefundRequest(order.id), 'cancelRefundRequest');
  const after = ok(await client.Orders.getRefunds(order.id), 'getRefunds after cancel');
  assert.deepEqual(after.map((x) => [x.id, x.status]), [[r.id, 'canceled']]);
  failsWith(await client.Orders.cancelRefundRequest(order.id), 404, 'cancelRefundRequest with nothing waiting');

  // Another user sees none of it.
  const other = await newUser('refund-other');
  failsWith(await other.client.Orders.getRefunds(order.id), 404, "getRefunds of another user's order");
  failsWith(await other.client.Orders.createRefundRequest(order.id, { products: { 14: { quantity: 1 } } }), 404, "createRefundRequest on another user's order");
});

test('Orders.createRefundRequest on an unpaid order is 404 "You cannot refund uncompleted order"', async () => {
  const { client } = await newUser('refund-unpaid');
  const order = await createOrder(client, 'stripe');
  ok(await client.Payments.createSession(order.id, 'session'), 'createSession');
  const got = failsWith(await client.Orders.createRefundRequest(order.id, { products: { 14: { quantity: 1 } } }), 404, 'createRefundRequest on an unpaid order');
  assert.equal(got.message, 'You cannot refund uncompleted order');
  assert.deepEqual(ok(await client.Orders.getRefunds(order.id), 'getRefunds of the unpaid order'), []);
});
