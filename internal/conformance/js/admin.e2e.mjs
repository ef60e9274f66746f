// Drives the admin dashboard (/admin/, server-rendered) in headless Chromium
// through playwright-core, next to the official SDK as a shop would call it.
// Run by TestAdminDashboardInChromium (admin_e2e_test.go), which creates the
// owner (OPENENTRY_OWNER_EMAIL, password OPENENTRY_OWNER_PASSWORD).
//
// OPENENTRY_SCREENSHOTS: a directory for admin-overview.png,
// admin-orders.png and admin-order.png (default: a temp dir).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

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
  // The page fits a phone: nothing wider than the screen but the scrolling tables.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the journal is ${overflow}px wider than a phone`);
  assert.deepEqual(problems, []);
  await context.close();
});
