// Drives the storefront demo (/demo/, web/storefront) in headless Chromium:
// log in as the demo user, order, and see the payment session, all through
// the official SDK bundled into the page. Run by TestStorefrontInChromium
// (storefront_test.go), or by hand against `openentry serve --demo`:
//
//   OPENENTRY_URL=http://127.0.0.1:8080 node --test storefront.e2e.mjs
//
// It needs Debian's chromium package (/usr/bin/chromium, or
// OPENENTRY_CHROMIUM) and playwright-core from package-lock.json. The browser
// runs on a fresh profile and reaches only this machine: every host name but
// localhost fails to resolve, and requests that leave OPENENTRY_URL (the
// Stripe Checkout page) are answered by the test itself.
//
// OPENENTRY_SCREENSHOT: where to save the screenshot of the placed order
// (default: docs/storefront.png in the repository).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.OPENENTRY_URL ?? '').replace(/\/$/, '');
const CHROMIUM = process.env.OPENENTRY_CHROMIUM || '/usr/bin/chromium';
const SCREENSHOT = path.resolve(process.env.OPENENTRY_SCREENSHOT || path.join(here, '../../../docs/storefront.png'));
const DEMO = `${BASE}/demo/`;

if (!BASE) {
  console.error('storefront.e2e: set OPENENTRY_URL to a server started with --demo');
  process.exit(2);
}

const closedNetwork = [
  '--headless',
  '--no-sandbox', // root in CI, no user namespaces
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-domain-reliability',
  '--disable-breakpad',
  '--metrics-recording-only',
  // Name resolution fails for every host but the server's and loopback's.
  `--host-resolver-rules=MAP * ~NOTFOUND, ${[...new Set(['localhost', '127.0.0.1', '[::1]', new URL(BASE).hostname])].map((h) => `EXCLUDE ${h}`).join(', ')}`,
];

let profile;
let context;

before(async () => {
  profile = await mkdtemp(path.join(os.tmpdir(), 'openentry-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: closedNetwork,
    viewport: { width: 860, height: 900 },
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(20_000);
});

after(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

// openPage opens a new tab (its own sessionStorage) that records script
// errors and answers every request off OPENENTRY_URL itself.
async function openPage() {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  const left = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${BASE}/`)) return route.continue();
    left.push(url);
    return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Payment page (test stub)</title><h1>Payment page</h1>' });
  });
  return { page, problems, left };
}

async function loadDemo(page, url = DEMO) {
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]');
  await page.waitForSelector('[data-testid=product-14]');
}

async function login(page) {
  await page.click('#login');
  await page.waitForSelector('#user:not([hidden])');
  await page.waitForSelector('#account-cash');
}

const text = async (page, sel) => (await page.textContent(sel)).replace(/\s+/g, ' ').trim();

test('the page lists the demo products from getProductsByIds', async () => {
  const { page, problems } = await openPage();
  await loadDemo(page);
  const rows = await page.$$eval('#product-rows tr', (trs) => trs.map((tr) => tr.querySelector('.title').textContent));
  assert.deepEqual(rows, ['Box', 'Mug', 'T-shirt', 'Cosmo', 'Poster']);
  const cells = await page.$$eval('[data-testid=product-14] td', (tds) => tds.map((td) => td.textContent.replace(/\s+/g, ' ').trim()));
  assert.deepEqual(cells, ['Cosmo COSMO-14', 'USD 340.00', '']);
  assert.equal(await page.inputValue('[data-testid=qty-14]'), '0');
  assert.equal(await page.inputValue('#email'), 'your-user@email.com');
  assert.equal(await page.inputValue('#password'), '123456');
  assert.equal(await page.isDisabled('#place-order'), true, 'Place order is enabled before login');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the catalogue pages through the demo shop, searches by title and filters by colour', async () => {
  const { page, problems, left } = await openPage();
  await loadDemo(page);
  await page.waitForSelector('[data-testid=catalog-items] li[data-testid^=catalog-]');
  const page1 = await text(page, '#catalog-page');
  assert.match(page1, /^Page 1 of \d+ \((\d+) products\)$/);
  const total = Number(page1.match(/\((\d+) products\)/)[1]);
  assert.ok(total >= 24, `the catalogue lists ${total} products`);
  const first = await page.$$eval('[data-testid=catalog-items] li', (lis) => lis.map((li) => li.dataset.testid));
  assert.equal(first.length, 6);
  assert.equal(await page.isDisabled('#catalog-prev'), true);
  // Pictures come from the server's file store.
  const src = await page.getAttribute('[data-testid=catalog-items] img', 'src');
  assert.match(src ?? '', /\/cloud-static\/files\//);

  await page.click('#catalog-next');
  await page.waitForFunction(() => document.querySelector('#catalog-page')?.textContent.startsWith('Page 2 '));
  const second = await page.$$eval('[data-testid=catalog-items] li', (lis) => lis.map((li) => li.dataset.testid));
  assert.equal(second.filter((id) => first.includes(id)).length, 0, 'page 2 repeats page 1');

  await page.fill('#catalog-search', 'lamp');
  await page.waitForFunction(() => document.querySelector('#catalog-page')?.textContent.startsWith('Page 1 '));
  const lamps = await page.$$eval('[data-testid=catalog-items] .title', (ts) => ts.map((t) => t.textContent));
  assert.ok(lamps.length > 0 && lamps.every((t) => /lamp/i.test(t)), `search "lamp": ${lamps}`);

  await page.fill('#catalog-search', '');
  await page.selectOption('#catalog-color', 'green');
  await page.waitForFunction(() => !/ \(\d+ products\)$/.test('') && document.querySelector('#catalog-color').value === 'green');
  await page.waitForFunction((all) => !document.querySelector('#catalog-page')?.textContent.endsWith(`(${all} products)`), total);
  const green = Number((await text(page, '#catalog-page')).match(/\((\d+) products\)/)[1]);
  assert.ok(green > 0 && green < total, `green: ${green} of ${total}`);
  assert.equal(await page.isVisible('#error'), false, `error box: ${await page.textContent('#error')}`);
  assert.deepEqual(problems, []);
  assert.deepEqual(left, []);
  await page.close();
});

test('a wrong password shows the SDK error object', async () => {
  const { page, problems } = await openPage();
  await loadDemo(page);
  await page.fill('#password', 'not-the-password');
  await page.click('#login');
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await text(page, '#error strong'), /^AuthProvider\.auth: 401 /);
  assert.match(await page.textContent('#error pre'), /"statusCode": 401/);
  assert.equal(await page.isVisible('#user'), false);
  assert.equal(await page.isDisabled('#place-order'), true);
  // The browser reports the 401 answers (auth, then the SDK's refresh) as
  // failed loads; nothing else may show up.
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
  await page.close();
});

test('log in, order product 14 with cash, see the waiting session', async () => {
  const { page, problems, left } = await openPage();
  await loadDemo(page);
  await login(page);
  assert.equal(await text(page, '#user'), 'Logged in as your-user@email.com');

  await page.fill('[data-testid=qty-14]', '1');
  assert.equal(await text(page, '#cart-total'), 'USD 340.00');
  await page.check('#account-cash');
  await page.click('#place-order');

  await page.waitForFunction(() => document.querySelector('#session-status')?.textContent === 'waiting');
  assert.match(await text(page, '#order-id'), /^#\d+$/);
  assert.equal(await text(page, '#order-total'), 'USD 340.00');
  assert.equal(await text(page, '#order-account'), 'cash');
  assert.match(await text(page, '#session-id'), /^#\d+$/);
  assert.equal(await text(page, '#session-url'), 'none (pay on delivery)');
  assert.equal(await page.getAttribute('#session-status', 'class'), 'status status-waiting');
  assert.equal(await page.isVisible('#error'), false, `error box: ${await page.textContent('#error')}`);

  await page.click('#refresh-status');
  await page.waitForSelector('#checked-at[data-checks="2"]');
  assert.equal(await text(page, '#session-status'), 'waiting');

  await mkdir(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  console.log(`screenshot: ${SCREENSHOT}`);

  // A reload picks the session up from the refresh token the SDK saved.
  await loadDemo(page);
  await page.waitForFunction(() => document.querySelector('#session-status')?.textContent === 'waiting');
  assert.equal(await text(page, '#order-total'), 'USD 340.00');
  assert.equal(await page.isVisible('#login-form'), false);

  // The reload's first call is a 401 that the SDK answers with a refresh.
  assert.deepEqual(problems.filter((p) => !p.includes('status of 401')), []);
  assert.deepEqual(left, [], 'requests left the server');
  await page.close();
});

test('a Stripe session sends the browser to its paymentUrl', async (t) => {
  const { page, problems, left } = await openPage();
  await loadDemo(page);
  await login(page);
  if (!(await page.$('#account-stripe'))) {
    t.skip('the server has no Stripe keys, so the stripe account is not offered');
    await page.close();
    return;
  }
  await page.fill('[data-testid=qty-2]', '2');
  await page.fill('[data-testid=qty-15]', '1');
  await page.check('#account-stripe');
  // Keep createSession's answer: the browser drops it when the page leaves.
  let session;
  await page.route(`${BASE}/api/content/payments/sessions`, async (route) => {
    if (route.request().method() !== 'POST') return route.fallback();
    const response = await route.fetch();
    session = await response.json();
    return route.fulfill({ response });
  });
  await page.click('#place-order');
  await page.waitForURL((u) => !u.href.startsWith(`${BASE}/`));
  assert.equal(session?.status, 'waiting', `createSession answered ${JSON.stringify(session)}`);
  assert.match(session.paymentUrl, /^https:\/\//);
  assert.equal(page.url(), session.paymentUrl);
  assert.deepEqual(left, [session.paymentUrl]);
  assert.equal(await page.title(), 'Payment page (test stub)');

  // Stripe sends the buyer back to successUrl; the page resumes the order.
  await loadDemo(page, `${DEMO}?paid=1`);
  await page.waitForFunction(() => document.querySelector('#session-status')?.textContent === 'waiting');
  assert.match(await text(page, '#notice'), /Back from the payment page/);
  assert.equal(await text(page, '#order-account'), 'stripe');
  assert.equal(await text(page, '#order-total'), 'USD 32.25');
  assert.equal(await text(page, '#session-id'), `#${session.id}`);
  assert.deepEqual(problems.filter((p) => !p.includes('status of 401')), []);
  await page.close();
});
