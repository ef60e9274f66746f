// The storefront demo served at /demo/ by `openentry serve --demo`: log in,
// pick products, order, and see the payment session, all through the
// official oneentry SDK (bundled by ../build.mjs). Plain DOM, no framework.
//
// The SDK returns error bodies ({statusCode, message, …}) instead of throwing,
// and returns a thrown fetch error as a value too: every call goes through
// call(), which turns both into an exception the UI shows.
import { defineOneEntry } from 'oneentry';

const PRODUCT_IDS = '1,2,3,14,15';
const CATALOG_LIMIT = 6;
const ORDER_STORAGE = 'orders';
const ORDER_FORM = 'order';
const MAX_QUANTITY = 1000000;
// sessionStorage keys: they let the page pick up where it was after a Stripe
// Checkout page sends the buyer back (successUrl and cancelUrl point here).
const REFRESH_KEY = 'openentry-demo.refreshToken';
const ORDER_KEY = 'openentry-demo.order';

const $ = (id) => document.getElementById(id);

const state = {
  sdk: null,
  products: [], // as the SDK returned them
  accounts: [],
  order: null, // {id, totalSum, currency, paymentAccountIdentifier}
  checks: 0,
  catalog: { offset: 0, total: 0 },
};

class SDKError extends Error {
  constructor(what, body) {
    const message = body instanceof Error ? body.message : `${body.statusCode} ${body.message ?? ''}`.trim();
    super(`${what}: ${message}`);
    this.body = body;
  }
}

// call runs one SDK call and throws if it answered with an error object.
async function call(what, promise) {
  let v;
  try {
    v = await promise;
  } catch (err) {
    throw new SDKError(what, err instanceof Error ? err : { statusCode: 'error', message: String(err) });
  }
  if (v instanceof Error) throw new SDKError(what, v);
  if (v === null || typeof v !== 'object') throw new SDKError(what, { statusCode: 'error', message: `unexpected answer ${JSON.stringify(v)}` });
  if (!Array.isArray(v) && 'statusCode' in v) throw new SDKError(what, v);
  return v;
}

function showError(err) {
  const box = $('error');
  box.replaceChildren();
  const head = document.createElement('strong');
  head.textContent = err.message;
  box.append(head);
  const body = err instanceof SDKError && !(err.body instanceof Error) ? err.body : null;
  if (body) {
    const details = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = 'Error object returned by the SDK';
    const pre = document.createElement('pre');
    pre.textContent = JSON.stringify(body, null, 2);
    details.append(summary, pre);
    box.append(details);
  }
  box.hidden = false;
}

function clearError() {
  $('error').hidden = true;
  $('error').replaceChildren();
}

function notice(text) {
  $('notice').textContent = text;
  $('notice').hidden = !text;
}

// busy disables a button while fn runs, and shows what fn throws.
async function busy(button, fn) {
  button.disabled = true;
  document.body.classList.add('busy');
  clearError();
  try {
    await fn();
  } catch (err) {
    showError(err);
  } finally {
    document.body.classList.remove('busy');
    button.disabled = false;
    updateOrderButton();
  }
}

function money(amount, currency) {
  const n = Number(amount);
  if (!currency) return n.toFixed(2);
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency, currencyDisplay: 'code' }).format(n);
  } catch {
    return `${n.toFixed(2)} ${currency}`;
  }
}

const currencyOf = (p) => p.attributeValues?.currency?.value ?? '';

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

// ---------------------------------------------------------------- products

async function loadProducts() {
  const got = await call('Products.getProductsByIds', state.sdk.Products.getProductsByIds(PRODUCT_IDS));
  const order = PRODUCT_IDS.split(',').map(Number);
  state.products = got.slice().sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  const rows = state.products.map((p) => {
    const qty = el('input', {
      type: 'number', min: '0', max: String(MAX_QUANTITY), step: '1', value: '0', id: `qty-${p.id}`,
      dataset: { testid: `qty-${p.id}`, productId: String(p.id) },
      'aria-label': `Quantity of ${p.localizeInfos?.title ?? p.id}`,
    });
    qty.addEventListener('input', updateCart);
    return el('tr', { dataset: { testid: `product-${p.id}` } },
      el('td', {}, el('span', { className: 'title' }, p.localizeInfos?.title ?? `#${p.id}`), ' ', el('span', { className: 'sku' }, p.sku ?? '')),
      el('td', { className: 'num' }, money(p.price, currencyOf(p))),
      el('td', { className: 'num' }, qty));
  });
  $('product-rows').replaceChildren(...rows);
  updateCart();
}

// -------------------------------------------------------------- catalogue

// loadColors fills the colour filter from the attribute set, as OneEntry's
// template does (AttributesSets.getSingleAttributeByMarkerSet).
async function loadColors() {
  const color = await call('AttributesSets.getSingleAttributeByMarkerSet',
    state.sdk.AttributesSets.getSingleAttributeByMarkerSet('product', 'color'));
  const options = (color.listTitles ?? []).map((o) => el('option', { value: String(o.value) }, o.title));
  $('catalog-color').append(...options);
}

// loadCatalog lists a page of products with the template's filter shape:
// the title search rides on the first filter, a colour adds an "in" filter.
async function loadCatalog() {
  const filters = [{ attributeMarker: 'sku', conditionMarker: 'nin', conditionValue: null, title: $('catalog-search').value.trim(), isNested: false }];
  const color = $('catalog-color').value;
  if (color) filters.push({ attributeMarker: 'color', conditionMarker: 'in', conditionValue: [color] });
  const { offset } = state.catalog;
  const got = await call('Products.getProducts', state.sdk.Products.getProducts(filters, 'en_US',
    { offset, limit: CATALOG_LIMIT, sortKey: 'price', sortOrder: 'ASC' }));
  state.catalog.total = got.total;
  const items = got.items.map((p) => {
    const counted = p.attributeValues?.units_product; // products of sets that count stock
    const units = Number(counted?.value ?? 0);
    const pic = p.attributeValues?.pic?.value;
    const link = Array.isArray(pic) ? pic[0]?.downloadLink : pic?.downloadLink;
    return el('li', { dataset: { testid: `catalog-${p.id}` } },
      link ? el('img', { src: link, alt: '' }) : '',
      el('div', { className: 'title' }, p.localizeInfos?.title ?? `#${p.id}`),
      el('div', { className: 'num' }, money(p.price, 'USD')),
      counted ? el('div', { className: units > 0 ? 'stock' : 'stock sold-out' }, units > 0 ? `${units} in stock` : 'Sold out') : '');
  });
  if (items.length === 0) items.push(el('li', { className: 'muted' }, 'No product matches.'));
  $('catalog-items').replaceChildren(...items);
  const pages = Math.max(1, Math.ceil(got.total / CATALOG_LIMIT));
  const page = Math.floor(offset / CATALOG_LIMIT) + 1;
  $('catalog-page').textContent = `Page ${page} of ${pages} (${got.total} products)`;
  $('catalog-prev').disabled = offset === 0;
  $('catalog-next').disabled = offset + CATALOG_LIMIT >= got.total;
}

function catalogFrom(offset) {
  state.catalog.offset = offset;
  clearError();
  loadCatalog().catch(showError);
}

// cart returns the picked lines; it throws on a quantity the server would refuse.
function cart() {
  const lines = [];
  for (const p of state.products) {
    const raw = $(`qty-${p.id}`).value.trim();
    const q = raw === '' ? 0 : Number(raw);
    if (!Number.isInteger(q) || q < 0 || q > MAX_QUANTITY) {
      throw new Error(`Quantity of ${p.localizeInfos?.title ?? p.id} must be a whole number from 0 to ${MAX_QUANTITY}`);
    }
    if (q > 0) lines.push({ product: p, quantity: q });
  }
  return lines;
}

function updateCart() {
  let lines;
  try {
    lines = cart();
  } catch {
    $('cart-total').textContent = '—';
    return;
  }
  // A preview only, in cents: the server prices the order from its own products.
  const cents = lines.reduce((sum, l) => sum + Math.round(Number(l.product.price) * 100) * l.quantity, 0);
  const currency = lines.length > 0 ? currencyOf(lines[0].product) : currencyOf(state.products[0] ?? {});
  $('cart-total').textContent = lines.length === 0 ? '—' : money(cents / 100, currency);
  updateOrderButton();
}

// ------------------------------------------------------------------- login

async function login() {
  const authData = {
    authData: [
      { marker: 'email_reg', value: $('email').value },
      { marker: 'password_reg', value: $('password').value },
    ],
  };
  const user = await call('AuthProvider.auth', state.sdk.AuthProvider.auth('email', authData));
  showUser(user.userIdentifier);
  await loadAccounts();
}

function showUser(who) {
  $('user').textContent = `Logged in as ${who}`;
  $('user').hidden = false;
  $('login-form').hidden = true;
}

async function loadAccounts() {
  state.accounts = await call('Payments.getAccounts', state.sdk.Payments.getAccounts());
  const legend = el('legend', {}, 'Payment');
  const radios = state.accounts.map((a, i) => el('label', { className: 'radio' },
    el('input', {
      type: 'radio', name: 'account', value: a.identifier, id: `account-${a.identifier}`,
      checked: i === 0, dataset: { testid: `account-${a.identifier}` },
    }),
    ` ${a.localizeInfos?.title ?? a.identifier}`,
    el('span', { className: 'muted' }, ` (${a.identifier})`)));
  if (radios.length === 0) radios.push(el('p', { className: 'muted' }, 'This project has no payment accounts.'));
  $('accounts').replaceChildren(legend, ...radios);
  updateOrderButton();
}

function updateOrderButton() {
  $('place-order').disabled = state.accounts.length === 0 || document.body.classList.contains('busy');
}

// ------------------------------------------------------------------- order

async function placeOrder() {
  const lines = cart();
  if (lines.length === 0) throw new Error('Pick at least one product (set a quantity above 0)');
  const account = document.querySelector('input[name=account]:checked');
  if (!account) throw new Error('Pick a payment account');
  const body = {
    formIdentifier: ORDER_FORM,
    paymentAccountIdentifier: account.value,
    formData: [{ marker: 'name', type: 'string', value: $('name').value }],
    products: lines.map((l) => ({ productId: l.product.id, quantity: l.quantity })),
  };
  const order = await call('Orders.createOrder', state.sdk.Orders.createOrder(ORDER_STORAGE, body));
  state.order = {
    id: order.id, totalSum: order.totalSum, currency: order.currency,
    paymentAccountIdentifier: order.paymentAccountIdentifier ?? account.value,
  };
  sessionStorage.setItem(ORDER_KEY, JSON.stringify(state.order));
  showOrder();
  const session = await call('Payments.createSession', state.sdk.Payments.createSession(order.id, 'session'));
  showSession(session);
  if (session.paymentUrl) {
    notice('Taking you to the payment page…');
    location.assign(session.paymentUrl);
  }
}

function showOrder() {
  const o = state.order;
  $('order-id').textContent = `#${o.id}`;
  $('order-total').textContent = money(o.totalSum, o.currency);
  $('order-account').textContent = o.paymentAccountIdentifier;
  $('session-id').textContent = '…';
  $('session-status').textContent = '';
  $('session-status').className = 'status';
  $('session-url').textContent = '—';
  $('session-section').hidden = false;
}

function showSession(s) {
  $('session-id').textContent = `#${s.id}`;
  $('session-status').textContent = s.status;
  $('session-status').className = `status status-${s.status}`;
  if (s.paymentUrl) {
    $('session-url').replaceChildren(el('a', { href: s.paymentUrl, rel: 'noreferrer' }, new URL(s.paymentUrl).host));
  } else {
    $('session-url').textContent = 'none (pay on delivery)';
  }
  state.checks++;
  $('checked-at').textContent = `checked ${new Date().toLocaleTimeString('en-GB')}`;
  $('checked-at').dataset.checks = String(state.checks);
}

async function refreshStatus() {
  if (!state.order) throw new Error('No order yet');
  const s = await call('Payments.getSessionByOrderId', state.sdk.Payments.getSessionByOrderId(state.order.id));
  showSession(s);
}

// -------------------------------------------------------------------- start

// resume picks the session up again from the refresh token the SDK saved
// (after a reload, or coming back from Stripe Checkout).
async function resume() {
  await loadAccounts(); // a 401 makes the SDK refresh with the saved token
  showUser('the saved session');
  const saved = sessionStorage.getItem(ORDER_KEY);
  if (saved) {
    state.order = JSON.parse(saved);
    showOrder();
    await refreshStatus();
  }
}

async function start() {
  const params = new URLSearchParams(location.search);
  if (params.has('paid')) notice('Back from the payment page. The status turns completed once Stripe has told the server.');
  if (params.has('canceled')) notice('The payment was canceled on the payment page.');

  const res = await fetch('config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: ${res.status} ${res.statusText}`);
  const { appToken } = await res.json();
  const saved = sessionStorage.getItem(REFRESH_KEY);
  state.sdk = defineOneEntry(location.origin, {
    token: appToken,
    validation: { enabled: true, strictMode: true },
    auth: {
      providerMarker: 'email',
      refreshToken: saved ?? undefined,
      saveFunction: (token) => sessionStorage.setItem(REFRESH_KEY, token),
    },
  });

  $('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    busy($('login'), login);
  });
  $('order-form').addEventListener('submit', (e) => {
    e.preventDefault();
    busy($('place-order'), placeOrder);
  });
  $('refresh-status').addEventListener('click', () => busy($('refresh-status'), refreshStatus));

  let typing;
  $('catalog-search').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => catalogFrom(0), 250);
  });
  $('catalog-color').addEventListener('change', () => catalogFrom(0));
  $('catalog-prev').addEventListener('click', () => catalogFrom(Math.max(0, state.catalog.offset - CATALOG_LIMIT)));
  $('catalog-next').addEventListener('click', () => catalogFrom(state.catalog.offset + CATALOG_LIMIT));

  await loadProducts();
  await loadColors();
  await loadCatalog();
  if (saved) {
    try {
      await resume();
    } catch {
      // The saved token expired or was revoked: start over.
      sessionStorage.removeItem(REFRESH_KEY);
      sessionStorage.removeItem(ORDER_KEY);
      state.accounts = [];
      state.order = null;
      $('session-section').hidden = true;
      $('login-form').hidden = false;
      $('user').hidden = true;
      notice('Your saved session has ended: log in again.');
    }
  }
}

start()
  .catch(showError)
  .finally(() => document.body.setAttribute('data-ready', 'true'));
