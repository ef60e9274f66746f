// Calls the official SDK's product list, count, price and search methods
// (oneentry@1.0.149) with strict zod validation, in the shapes OneEntry's
// e-commerce template (nextjs-shop-demo) sends, against the project of
// products_test.go (listsProject). Driven by TestOfficialSDKProducts; by
// hand, against a server with that project:
//
//   OPENENTRY_URL=http://127.0.0.1:18080 OPENENTRY_APP_TOKEN=tok node --test products.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sdk, ok, failsWith } from './helpers.mjs';

const OURS = [501, 502, 503, 504, 505, 506];

/**
 * The template's filters (app/api/utils/getSearchParams.ts): every object
 * carries the search text; a sticker filter for /shop/{handle}; in_stock
 * as a status with no condition; price bounds naming page "shop".
 */
function searchParams({ search, in_stock, color, minPrice, maxPrice } = {}, handle) {
  const title = search || '';
  const filters = [{ attributeMarker: 'sku', conditionMarker: 'nin', conditionValue: null, title, isNested: false }];
  if (handle) {
    filters.push({ attributeMarker: 'stickers', conditionMarker: 'in', conditionValue: handle, title, isNested: false });
  }
  if (in_stock) {
    filters.push({ statusMarker: 'in_stock', attributeMarker: 'price', conditionValue: null, title, isNested: false });
  }
  if (color) {
    filters.push({ attributeMarker: 'color', conditionMarker: 'in', conditionValue: color, title, isNested: false });
  }
  if (minPrice) {
    filters.push({ attributeMarker: 'price', conditionMarker: 'mth', conditionValue: minPrice, pageUrl: 'shop', title, isNested: false });
  }
  if (maxPrice) {
    filters.push({ attributeMarker: 'price', conditionMarker: 'lth', conditionValue: maxPrice, pageUrl: 'shop', title, isNested: false });
  }
  return filters;
}

/** The ids of our products in a list, in order. */
function ours(items) {
  return items.map((p) => p.id).filter((id) => OURS.includes(id));
}

/** Asserts what the template reads of every listed product. */
function listed(p) {
  assert.equal(typeof p.id, 'number');
  assert.equal(typeof p.localizeInfos.title, 'string', `${p.id}: localizeInfos.title`);
  assert.equal(p.isVisible, true, `${p.id}: isVisible`);
  assert.equal(typeof p.additional.prices.min, 'number', `${p.id}: additional.prices.min`);
  return p;
}

test('getProducts: the catalogue page (servicesFilter, date ASC, 10 per page)', async () => {
  const client = sdk();
  const res = ok(await client.Products.getProducts(searchParams(), 'en_US', { limit: 10, offset: 0, sortOrder: 'ASC', sortKey: 'date' }),
    'getProducts(servicesFilter)');
  res.items.forEach(listed);
  assert.deepEqual(ours(res.items), [501, 502, 503, 504, 505], 'the delivery service (no sku) is left out');
  assert.equal(res.total, 10, "our five and the demo project's five, which have skus");
  const next = ok(await client.Products.getProducts(searchParams(), 'en_US', { limit: 10, offset: 10, sortOrder: 'ASC', sortKey: 'date' }),
    'getProducts, next page');
  assert.deepEqual(next.items, []);
  assert.equal(next.total, 10);
});

test('getProducts: search, colour, price range and in stock, as the filter form sends them', async () => {
  const client = sdk();
  const query = { limit: 30, offset: 0, sortOrder: 'ASC', sortKey: 'date' };
  const res = ok(await client.Products.getProducts(searchParams({ search: 'LAMP', in_stock: 'true', color: 'red', minPrice: '10', maxPrice: '50' }),
    'en_US', query), 'getProducts(filters)');
  assert.deepEqual(res.items.map((p) => p.id), [503]);
  assert.equal(res.total, 1);
  const all = ok(await client.Products.getProducts(searchParams({ minPrice: '20', maxPrice: '45' }), 'en_US',
    { ...query, sortKey: 'price', sortOrder: 'DESC' }), 'getProducts(price range)');
  assert.deepEqual(all.items.map((p) => p.id), [501, 505, 502], 'prices 40, 35, 25.5: strictly within (20, 45), on page shop');
  const soldOut = ok(await client.Products.getProducts(searchParams({ search: 'floor', in_stock: 'true' }), 'en_US', query), 'in stock');
  assert.equal(soldOut.total, 0, 'Floor lamp is sold out');
  const fr = ok(await client.Products.getProducts(searchParams({ search: 'chaise' }), 'fr_FR', query), 'getProducts(fr_FR)');
  assert.deepEqual(fr.items.map((p) => [p.id, p.localizeInfos.title]), [[501, 'Chaise en chêne'], [502, 'Chaise en pin']]);
});

test('getProducts: a sticker page (/shop/{handle})', async () => {
  const client = sdk();
  const res = ok(await client.Products.getProducts(searchParams({}, 'sale'), 'en_US', { limit: 30, sortKey: 'id', sortOrder: 'ASC' }),
    'getProducts(stickers in sale)');
  assert.deepEqual(res.items.map((p) => p.id), [502, 503, 504]);
});

test('getProductsByPageUrl: a category page (date DESC), with and without filters', async () => {
  const client = sdk();
  const query = { sortOrder: 'DESC', sortKey: 'date', offset: 0, limit: 10 };
  const lamps = ok(await client.Products.getProductsByPageUrl('lamps', searchParams(), 'en_US', query), 'getProductsByPageUrl(lamps)');
  lamps.items.forEach(listed);
  assert.deepEqual(lamps.items.map((p) => p.id).sort(), [503, 504, 505]);
  assert.equal(lamps.total, 3);
  const blue = ok(await client.Products.getProductsByPageUrl('lamps', searchParams({ color: 'blue' }), 'en_US', query), 'lamps, blue');
  assert.deepEqual(blue.items.map((p) => p.id), [505]);
  const none = ok(await client.Products.getProductsByPageUrl('category', [], 'en_US', query), 'category (no product of its own)');
  assert.equal(none.total, 0);
  failsWith(await client.Products.getProductsByPageUrl('nope', [], 'en_US', query), 404, 'unknown page');
});

test('getProductsByPageId and the counts', async () => {
  const client = sdk();
  const chairs = ok(await client.Pages.getPageByUrl('chairs', 'en_US'), 'getPageByUrl(chairs)');
  const res = ok(await client.Products.getProductsByPageId(chairs.id, [{ attributeMarker: 'price', conditionMarker: 'lth', conditionValue: 30 }],
    'en_US', { sortKey: 'price', sortOrder: 'ASC' }), 'getProductsByPageId(chairs, under 30)');
  assert.deepEqual(res.items.map((p) => p.id), [502]);

  assert.deepEqual(ok(await client.Products.getProductsCount([{ attributeMarker: 'color', conditionMarker: 'in', conditionValue: 'red' }]),
    'getProductsCount(red)'), { totalAll: 2, totalInCategory: 2, totalInCategoryWithNested: 2 });
  assert.deepEqual(ok(await client.Products.getProductsCountByPageUrl('category', [{ attributeMarker: 'stickers', conditionMarker: 'in',
    conditionValue: 'new' }]), 'getProductsCountByPageUrl(category, new)'), { totalAll: 2, totalInCategory: 0, totalInCategoryWithNested: 2 });
  assert.deepEqual(ok(await client.Products.getProductsCountByPageId(String(chairs.id), []), 'getProductsCountByPageId(chairs)'),
    { totalAll: 11, totalInCategory: 2, totalInCategoryWithNested: 2 });
});

test('getProductsPriceByPageUrl and getProductsEmptyPage', async () => {
  const client = sdk();
  assert.deepEqual(ok(await client.Products.getProductsPriceByPageUrl('lamps', 'en_US', { sortKey: 'price', sortOrder: 'ASC', limit: 2 }),
    'getProductsPriceByPageUrl(lamps)'), { items: [{ id: 503, price: 19.99 }, { id: 505, price: 35 }], total: 3 });
  const groups = ok(await client.Products.getProductsEmptyPage({}, 'en_US', { sortKey: 'id', sortOrder: 'DESC', limit: 30 }),
    'getProductsEmptyPage');
  assert.equal(groups.length, 1);
  assert.deepEqual(groups[0].productIds.slice(0, 1), ['506'], 'the delivery service is on no page');
  assert.equal(groups[0].total, 6);
});

test('searchProduct: the search box, then each product by id', async () => {
  const client = sdk();
  const found = ok(await client.Products.searchProduct('lamp', 'en_US'), 'searchProduct(lamp)');
  assert.deepEqual(found.map((p) => p.id).sort(), [503, 504, 505]);
  found.forEach(listed);
  const quick = sdk({ traficLimit: true });
  const hits = ok(await quick.Products.searchProduct('CHAIR', 'en_US'), 'searchProduct(CHAIR) without the fetches');
  assert.deepEqual(hits, [{ id: 501, title: 'Oak chair' }, { id: 502, title: 'Pine chair' }]);
  assert.deepEqual(ok(await quick.Products.searchProduct('liseuse', 'fr_FR'), 'searchProduct(fr_FR)'), [{ id: 505, title: 'Liseuse' }]);
});

test("getProductById: the product's pages as categories and productPages; getProductBlockById", async () => {
  const client = sdk();
  const lamp = ok(await client.Products.getProductById(503, 'en_US'), 'getProductById(503)');
  assert.deepEqual(lamp.categories, ['shop', 'lamps'], 'every product is on shop too');
  assert.deepEqual(lamp.productPages.map((p) => [p.productId, p.categoryPath]), [[503, 'shop'], [503, 'lamps']]);
  const page = ok(await client.Pages.getPageByUrl('lamps', 'en_US'), 'getPageByUrl(lamps)');
  assert.equal(lamp.productPages[1].pageId, page.id);
  assert.deepEqual(lamp.blocks, []);
  assert.deepEqual(ok(await client.Products.getProductBlockById(503), 'getProductBlockById(503)'), []);
  failsWith(await client.Products.getProductBlockById(999999), 404, 'getProductBlockById(unknown)');
});

test('ProductStatuses.getProductsByStatusMarker', async () => {
  const client = sdk();
  const status = ok(await client.ProductStatuses.getProductsByStatusMarker('in_stock', 'en_US'), 'getProductsByStatusMarker');
  assert.equal(status.identifier, 'in_stock');
  failsWith(await client.ProductStatuses.getProductsByStatusMarker('nope'), 404, 'unknown status');
});

test('bad filters are 400s that say what is wrong', async () => {
  const client = sdk();
  const bad = async (filters, says) => {
    const res = failsWith(await client.Products.getProducts(filters, 'en_US', {}), 400, says);
    assert.match(res.message, new RegExp(says));
  };
  await bad([{ attributeMarker: 'color', conditionMarker: 'equals', conditionValue: 'red' }], 'conditionMarker');
  await bad([{ attributeMarker: 'colour', conditionMarker: 'eq', conditionValue: 'red' }], 'colour');
  await bad([{ attributeMarker: 'price', conditionMarker: 'mth', conditionValue: 'cheap' }], 'not a number');
  await bad([{ attributeMarker: 'price', statusMarker: 'gone', conditionValue: null }], 'gone');
  await bad([{ attributeMarker: '', pageUrls: ['nope'], conditionValue: null }], 'nope');
  failsWith(await client.Products.getProducts([], 'en_US', { limit: 1000 }), 400, 'limit over 100');
});
