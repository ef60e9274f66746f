// Drives the admin dashboard (/admin/, server-rendered) in headless Chromium
// through playwright-core, next to the official SDK as a shop would call it.
// Run by TestAdminDashboardInChromium (admin_e2e_test.go), which creates the
// owner (OPENENTRY_OWNER_EMAIL, password OPENENTRY_OWNER_PASSWORD).
//
// OPENENTRY_SCREENSHOTS: a directory for admin-overview.png,
// admin-orders.png and admin-order.png (default: a temp dir).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { sdk, ok, credentials } from './helpers.mjs';

const BASE = (process.env.OPENENTRY_URL ?? '').replace(/\/$/, '');
const CHROMIUM = process.env.OPENENTRY_CHROMIUM || '/usr/bin/chromium';
const OWNER = process.env.OPENENTRY_OWNER_EMAIL;
const PASSWORD = process.env.OPENENTRY_OWNER_PASSWORD;
const SHOTS = process.env.OPENENTRY_SCREENSHOTS || '';

if (!BASE || !OWNER || !PASSWORD) {
  console.error('admin.e2e: set OPENENTRY_URL, OPENENTRY_OWNER_EMAIL and OPENENTRY_OWNER_PASSWORD');
  process.exit(2);
}

const closedNetwork = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--no-default-browser-check',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-domain-reliability',
  '--disable-breakpad', '--metrics-recording-only',
  `--host-resolver-rules=MAP * ~NOTFOUND, ${[...new Set(['localhost', '127.0.0.1', '[::1]', new URL(BASE).hostname])].map((h) => `EXCLUDE ${h}`).join(', ')}`,
];

let browser;
let tmp;

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'openentry-admin-'));
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: closedNetwork });
});

after(async () => {
  await browser?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** A fresh browser context (its own cookies) with a page that records script errors. */
async function newPage(viewport = { width: 1100, height: 900 }) {
  const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  return { context, page, problems };
}

async function signIn(page, email, password) {
  await page.goto(`${BASE}/admin/`);
  await page.waitForURL(/\/admin\/sign-in/);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/admin\/overview/);
}

const text = async (page, sel) => (await page.textContent(sel)).replace(/\s+/g, ' ').trim();

async function shot(page, name) {
  const dir = SHOTS || tmp;
  await page.screenshot({ path: path.join(dir, name), fullPage: true });
}

test('the owner signs in, invites a viewer and makes an API key', async () => {
  const { context, page, problems } = await newPage();
  await signIn(page, OWNER, PASSWORD);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'oe_admin');
  assert.ok(session, 'no session cookie');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie), '', 'scripts can read the session cookie');

  await page.click('nav >> text=Staff');
  await page.fill('form[action="/admin/staff"] input[name=email]', 'vera@shop.test');
  await page.selectOption('form[action="/admin/staff"] select[name=role]', 'viewer');
  await page.fill('form[action="/admin/staff"] input[name=password]', 'vera-password-1');
  await page.click('form[action="/admin/staff"] button');
  await page.waitForSelector('text=Invited vera@shop.test');

  await page.fill('form[action="/admin/api-keys"] input[name=name]', 'accounting');
  await page.click('form[action="/admin/api-keys"] button');
  const key = await text(page, '#new-key');
  assert.match(key, /^oek_/);
  const me = await fetch(`${BASE}/api/admin/me`, { headers: { Authorization: `Bearer ${key}` } });
  assert.equal(me.status, 200);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a viewer sees the shop but cannot change anything', async () => {
  const { context, page, problems } = await newPage({ width: 390, height: 844 }); // a phone
  await signIn(page, 'vera@shop.test', 'vera-password-1');
  assert.equal(await page.locator('nav >> text=Staff').count(), 0, 'a viewer is offered the staff page');
  const resp = await page.goto(`${BASE}/admin/staff`);
  assert.equal(resp.status(), 403);
  assert.match(await text(page, '.error'), /Role viewer may not/);
  problems.length = 0; // the 403 the browser logged was asked for
  await page.goto(`${BASE}/admin/journal`);
  await page.waitForSelector('text=staff.create');
  // The pages fit a phone: nothing wider than the screen but the scrolling tables.
  for (const url of ['/admin/journal', '/admin/overview', '/admin/orders', '/admin/products', '/admin/users', '/admin/products/14', '/admin/edit/pages']) {
    await page.goto(`${BASE}${url}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${url} is ${overflow}px wider than a phone`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

// A 2×2 PNG, made here: the test downloads nothing.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DwHwyBDAYGBgYGAwBfaAb6ZrqHmwAAAABJRU5ErkJggg==', 'base64');

test('the owner creates a product with stock and an image, and the SDK shows it', async () => {
  const { context, page, problems } = await newPage();
  await signIn(page, OWNER, PASSWORD);
  await page.click('nav >> text=Products');
  await page.click('text=New product');
  await page.fill('textarea[name=content]', JSON.stringify({
    title: { en_US: 'Dashboard lamp' }, price: '49.90', currency: 'USD', sku: 'DASH-1', status: '',
    attributeSetIdentifier: 'product', attributeValues: { en_US: { price: 49.9, units_product: 7 } },
    relatedIds: [], pages: [], blocks: [],
  }));
  await page.click('[data-testid=new-product] button');
  await page.waitForSelector('text=created');
  const id = Number((await text(page, 'h1')).replace('Product ', ''));
  assert.ok(id > 0);
  assert.equal(await text(page, '[data-testid=product-units]'), '7');

  const file = path.join(tmp, 'lamp.png');
  await writeFile(file, PNG);
  await page.setInputFiles('[data-testid=image-upload] input[type=file]', file);
  await page.click('[data-testid=image-upload] button');
  await page.waitForSelector('text=Image lamp.png is the product');

  await page.fill('[data-testid=quick-edit] input[name=units]', '3');
  await page.click('[data-testid=quick-edit] button');
  await page.waitForSelector('text=saved');
  assert.equal(await text(page, '[data-testid=product-units]'), '3');

  // The shop sees it at once, in strict mode.
  const shop = sdk();
  const p = ok(await shop.Products.getProductById(id, 'en_US'), 'getProductById');
  assert.equal(p.localizeInfos.title, 'Dashboard lamp');
  assert.equal(p.attributeValues.units_product.value, 3);
  const link = p.attributeValues.pic.value.downloadLink ?? p.attributeValues.pic.value[0]?.downloadLink;
  assert.match(link, /\/cloud-static\/files\//);
  const img = await fetch(link);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  const found = ok(await shop.Products.searchProduct('Dashboard lamp', 'en_US'), 'searchProduct');
  assert.ok(found.some((f) => f.id === id), 'searchProduct does not find the new product');

  // Hidden, it leaves the shop.
  await page.click('text=Hide from the shop');
  await page.waitForSelector('text=Product hidden from the shop');
  const gone = await shop.Products.getProductById(id, 'en_US');
  assert.equal(gone.statusCode, 404);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a cash order placed through the SDK is found, marked paid and refunded in the dashboard', async () => {
  // The shop's side: the demo user orders product 14 and opens a cash session.
  const shopper = sdk();
  ok(await shopper.AuthProvider.auth('email', credentials('your-user@email.com', '123456')), 'auth demo user');
  const order = ok(await shopper.Orders.createOrder('orders', {
    formIdentifier: 'order', paymentAccountIdentifier: 'cash',
    formData: [{ marker: 'name', type: 'string', value: 'Dashboard Customer' }],
    products: [{ productId: 14, quantity: 2 }],
  }), 'createOrder');
  const session = ok(await shopper.Payments.createSession(order.id, 'session'), 'createSession');
  assert.equal(session.status, 'waiting');

  const { context, page, problems } = await newPage();
  await signIn(page, OWNER, PASSWORD);
  await page.waitForSelector('[data-testid=waiting-payments]');
  await shot(page, 'admin-overview.png');

  // Find it by the customer's name in its form data.
  await page.click('nav >> text=Orders');
  await page.fill('input[name=q]', 'Dashboard Customer');
  await page.selectOption('select[name=paymentStatus]', 'waiting');
  await page.click('form.filters button');
  await page.waitForSelector(`[data-testid=order-${order.id}]`);
  assert.equal(await page.locator('[data-testid=orders] tbody tr').count(), 1);
  assert.match(await text(page, `[data-testid=order-${order.id}]`), /your-user@email\.com .* waiting USD 680\.00$/);
  await shot(page, 'admin-orders.png');

  await page.click(`[data-testid=order-${order.id}] a`);
  await page.waitForSelector(`[data-testid=session-${session.id}]`);
  await page.click(`[data-testid=session-${session.id}] button[value=completed]`);
  await page.waitForSelector(`text=Payment session ${session.id} is completed`);
  assert.match(await text(page, '[data-testid=payment-status]'), /^paid/);

  // The shop sees the session completed.
  const after = ok(await shopper.Payments.getSessionByOrderId(order.id), 'getSessionByOrderId');
  assert.equal(after.status, 'completed');

  // The customer asks for one back; staff approve it.
  assert.equal(ok(await shopper.Orders.createRefundRequest(order.id, { products: { 14: { quantity: 1 } }, note: 'one too many' }), 'createRefundRequest'), true);
  await page.reload();
  await page.click('[data-testid=refunds] button:text("Approve refund")');
  await page.waitForSelector('text=approved');
  await shot(page, 'admin-order.png');
  const refunds = ok(await shopper.Orders.getRefunds(order.id), 'getRefunds');
  assert.equal(refunds[0].status, 'refunded');
  // The journal tells who did it.
  await page.goto(`${BASE}/admin/journal?objectKind=order&objectId=${order.id}`);
  await page.waitForSelector('text=payment.settle');
  await page.waitForSelector('text=refund.approve');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a viewer cannot settle a payment', async () => {
  const shopper = sdk();
  ok(await shopper.AuthProvider.auth('email', credentials('your-user@email.com', '123456')), 'auth demo user');
  const order = ok(await shopper.Orders.createOrder('orders', {
    formIdentifier: 'order', paymentAccountIdentifier: 'cash',
    formData: [{ marker: 'name', type: 'string', value: 'Viewer Test' }], products: [{ productId: 14, quantity: 1 }],
  }), 'createOrder');
  const session = ok(await shopper.Payments.createSession(order.id, 'session'), 'createSession');
  const { context, page } = await newPage();
  await signIn(page, 'vera@shop.test', 'vera-password-1');
  await page.goto(`${BASE}/admin/orders/${order.id}`);
  await page.waitForSelector(`[data-testid=session-${session.id}]`);
  assert.equal(await page.locator('button:text("Mark paid")').count(), 0, 'a viewer is offered Mark paid');
  assert.equal(await page.locator('button:text("Cancel order")').count(), 0, 'a viewer is offered Cancel order');
  // Posting the form anyway is refused, and nothing changes.
  const csrf = await page.getAttribute('input[name=csrf]', 'value');
  const resp = await page.request.post(`${BASE}/admin/payments/sessions/${session.id}/settle`, {
    form: { csrf, status: 'completed', order: String(order.id) }, headers: { Origin: BASE }, maxRedirects: 0,
  });
  assert.equal(resp.status(), 403);
  assert.equal(ok(await shopper.Payments.getSessionByOrderId(order.id), 'getSessionByOrderId').status, 'waiting');
  await context.close();
});
