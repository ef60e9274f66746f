// The seed page's final example (/work/shared/seed/order-pay.vi.txt, "Ví dụ
// cuối cùng"), run against an OpenEntry server with the official JS SDK.
// Changed from the page: PROJECT_URL and APP_TOKEN come from the environment,
// and the client validates every response strictly against the SDK's zod
// schemas. The checks after the example are ours.
//
//   OPENENTRY_URL=http://127.0.0.1:18080 OPENENTRY_APP_TOKEN=tok node seed.mjs

// 1. Nhập oneEntry và định nghĩa PROJECT_URL và APP_TOKEN
import { defineOneEntry } from 'oneentry';
const PROJECT_URL = process.env.OPENENTRY_URL;
const APP_TOKEN = process.env.OPENENTRY_APP_TOKEN;
// 2. Tạo một client API
const { AuthProvider, Orders, Payments } = defineOneEntry(PROJECT_URL, {
token: APP_TOKEN,
validation: { enabled: true, strictMode: true },
});
// 3. Xác thực người dùng với AuthProvider.auth('email', authData)
const authData = {
authData: [
{
marker: 'email_reg',
value: 'your-user@email.com',
},
{
marker: 'password_reg',
value: '123456',
},
],
};
const user = await AuthProvider.auth('email', authData);
// 4. Tạo một đơn hàng trong kho lưu trữ đơn hàng với Orders.createOrder()
const body = {
formIdentifier: 'order',
paymentAccountIdentifier: 'cash',
formData: [
{
type: 'string',
marker: 'name',
value: 'Christina Thomas',
},
],
products: [
{
productId: 1,
quantity: 1,
},
],
};
const orderData = await Orders.createOrder('orders', body);
// 5. Tạo phiên thanh toán với Payments.createSession()
const sessionData = await Payments.createSession(orderData.id, 'session');
// 6. Lấy một đối tượng phiên thanh toán theo mã đơn hàng 🔐
const sessionByOrderId = await Payments.getSessionByOrderId(orderData.id);
console.log(sessionByOrderId);

// ---- Checks (not part of the seed page) ----
import assert from 'node:assert/strict';

if (!PROJECT_URL || !APP_TOKEN) {
  console.error('seed: set OPENENTRY_URL and OPENENTRY_APP_TOKEN');
  process.exit(2);
}

const steps = { user, orderData, sessionData, sessionByOrderId };
console.log(JSON.stringify(steps, null, 2));

const checks = [
  ['every step returned data, not an error object', () => {
    for (const [name, v] of Object.entries(steps)) {
      // With the default isShell config the SDK returns error bodies (and
      // strict-validation failures, statusCode 422) instead of throwing.
      assert.ok(v !== null && typeof v === 'object', `${name}: got ${JSON.stringify(v)}, want an object`);
      assert.ok(!('statusCode' in v), `${name}: got error ${JSON.stringify(v)}`);
    }
  }],
  ['auth returned the token pair of the seed user', () => {
    assert.equal(user.userIdentifier, 'your-user@email.com');
    assert.equal(user.authProviderIdentifier, 'email');
    assert.equal(typeof user.accessToken, 'string');
    assert.ok(user.accessToken.length > 0, 'empty accessToken');
    assert.equal(typeof user.refreshToken, 'string');
    assert.ok(user.refreshToken.length > 0, 'empty refreshToken');
  }],
  ['createOrder priced product 1 at 51 USD', () => {
    assert.equal(typeof orderData.id, 'number');
    assert.equal(orderData.totalSum, 51);
    assert.equal(orderData.currency, 'USD');
    assert.equal(orderData.formIdentifier, 'order');
    assert.equal(orderData.paymentAccountIdentifier, 'cash');
    assert.deepEqual(orderData.products, [{ productId: 1, quantity: 1 }]);
    assert.deepEqual(orderData.formData, [{ type: 'string', marker: 'name', value: 'Christina Thomas' }]);
  }],
  ['createSession returned a waiting cash session for the order', () => {
    assert.equal(typeof sessionData.id, 'number');
    assert.equal(sessionData.status, 'waiting');
    assert.equal(sessionData.type, 'session');
    assert.equal(sessionData.paymentUrl, null);
    assert.equal(sessionData.orderId, orderData.id);
    assert.ok(!('clientSecret' in sessionData), `cash session has clientSecret ${sessionData.clientSecret}`);
  }],
  ['getSessionByOrderId returned the same session as one object', () => {
    // Project decision (reference §8 Y3): the newest session as one object,
    // as the seed page prints it.
    assert.ok(!Array.isArray(sessionByOrderId), 'got an array, want one session object');
    assert.equal(sessionByOrderId.id, sessionData.id);
    assert.equal(sessionByOrderId.orderId, orderData.id);
    assert.equal(sessionByOrderId.status, 'waiting');
    assert.equal(sessionByOrderId.type, 'session');
    assert.equal(sessionByOrderId.paymentUrl, null);
    assert.equal(sessionByOrderId.paymentAccountId, sessionData.paymentAccountId);
  }],
];

let failed = 0;
for (const [name, check] of checks) {
  try {
    check();
    console.log(`ok - ${name}`);
  } catch (err) {
    failed++;
    console.log(`not ok - ${name}\n  ${String(err.message).replaceAll('\n', '\n  ')}`);
  }
}
console.log(`${checks.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
