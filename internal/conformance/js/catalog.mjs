// Calls the official OneEntry JS SDK (oneentry@1.0.149) on the catalogue:
// AttributesSets, ProductStatuses and the product entity (getProductById,
// getProductsByIds, getRelatedProductsById), with strict zod validation on.
// Driven by catalog_test.go, against a server with apptest.CatalogProject;
// by hand:
//
//   OPENENTRY_URL=http://127.0.0.1:18080 OPENENTRY_APP_TOKEN=tok node --test catalog.mjs
//
// Every success check starts with ok(), every error check with failsWith()
// (see helpers.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sdk, ok, failsWith } from './helpers.mjs';

const COLOR_OPTIONS = [
  { title: 'Red', value: 'red', position: 1, extended: { value: '#ff0000', type: 'color' } },
  { title: 'Blue', value: 'blue', position: 2, extended: { value: '#0000ff', type: 'color' } },
  { title: 'Green', value: 'green', position: 3, extended: { value: null, type: null } },
];

const MARKERS = ['price', 'currency', 'sale', 'units_product', 'color', 'description', 'release', 'pic', 'sku_code', 'supplier_note'];

// ------------------------------------------------------------- AttributesSets

test('AttributesSets.getAttributes lists the product set, filters by typeId', async () => {
  const client = sdk();
  const got = ok(await client.AttributesSets.getAttributes(), 'getAttributes()');
  assert.equal(got.total, 1);
  const [set] = got.items;
  assert.equal(set.identifier, 'product');
  assert.equal(set.title, 'Product');
  assert.equal(set.typeId, 5);
  assert.deepEqual(set.type, { id: 5, type: 'forProducts' });
  assert.equal(typeof set.createdDate, 'string');
  assert.deepEqual(Object.keys(set.schema).sort(), [...MARKERS].sort());
  assert.equal(set.schema.price.isPrice, true);

  const fr = ok(await client.AttributesSets.getAttributes('fr_FR', 0, 30, 5, 'position'), 'getAttributes(fr_FR, typeId 5)');
  assert.equal(fr.items[0].title, 'Produit');
  const pages = ok(await client.AttributesSets.getAttributes('en_US', 0, 30, 3), 'getAttributes(typeId 3)');
  assert.deepEqual(pages, { total: 0, items: [] });
  failsWith(await client.AttributesSets.getAttributes('en_US', 0, 30, null, 'title'), 400, 'getAttributes(sortBy title)');
});

test('AttributesSets.getAttributesByMarker lists the attributes by position', async () => {
  const client = sdk();
  const got = ok(await client.AttributesSets.getAttributesByMarker('product'), "getAttributesByMarker('product')");
  assert.deepEqual(got.map((a) => a.marker), MARKERS);
  const color = got.find((a) => a.marker === 'color');
  assert.equal(color.type, 'list');
  assert.deepEqual(color.localizeInfos, { title: 'Color' });
  assert.deepEqual(color.listTitles, COLOR_OPTIONS);
  assert.deepEqual(got[0].validators, { requiredValidator: { strict: true }, numberInspectionValidator: { min: 0 } });
  const fr = ok(await client.AttributesSets.getAttributesByMarker('product', 'fr_FR'), "getAttributesByMarker('product', fr_FR)");
  assert.deepEqual(fr[0].localizeInfos, { title: 'Prix' });
  failsWith(await client.AttributesSets.getAttributesByMarker('no-such-set'), 404, 'getAttributesByMarker(unknown)');
});

test("AttributesSets.getSingleAttributeByMarkerSet('product', 'color'): the template's colour filter", async () => {
  const client = sdk();
  const color = ok(await client.AttributesSets.getSingleAttributeByMarkerSet('product', 'color'),
    "getSingleAttributeByMarkerSet('product', 'color')");
  assert.equal(color.marker, 'color');
  assert.equal(color.type, 'list');
  // What the template reads: listTitles[{value, title}].
  assert.deepEqual(color.listTitles.map(({ value, title }) => ({ value, title })),
    [{ value: 'red', title: 'Red' }, { value: 'blue', title: 'Blue' }, { value: 'green', title: 'Green' }]);
  const fr = ok(await client.AttributesSets.getSingleAttributeByMarkerSet('product', 'color', 'fr_FR'), 'color in fr_FR');
  assert.deepEqual(fr.localizeInfos, { title: 'Couleur' });
  failsWith(await client.AttributesSets.getSingleAttributeByMarkerSet('product', 'size'), 404, 'unknown attribute');
  failsWith(await client.AttributesSets.getSingleAttributeByMarkerSet('no-such-set', 'color'), 404, 'unknown set');
});

test('AttributesSets.getAttributeSetByMarker returns the set with its schema', async () => {
  const client = sdk();
  const set = ok(await client.AttributesSets.getAttributeSetByMarker('product'), "getAttributeSetByMarker('product')");
  assert.equal(set.identifier, 'product');
  assert.deepEqual(set.schema.color.listTitles, COLOR_OPTIONS);
  assert.equal(set.schema.supplier_note.isVisible, false);
  const fr = ok(await client.AttributesSets.getAttributeSetByMarker('product', 'fr_FR'), 'set in fr_FR');
  assert.equal(fr.title, 'Produit');
  failsWith(await client.AttributesSets.getAttributeSetByMarker('no-such-set'), 404, 'getAttributeSetByMarker(unknown)');
});

// ------------------------------------------------------------ ProductStatuses

test('ProductStatuses.getProductStatuses lists the statuses in the client locale', async () => {
  const got = ok(await sdk().ProductStatuses.getProductStatuses(), 'getProductStatuses()');
  assert.deepEqual(got.map((s) => [s.identifier, s.isDefault, s.localizeInfos.title]),
    [['in_stock', true, 'In stock'], ['sold_out', false, 'Sold out']]);
  // The SDK sends no langCode and picks its own locale from the answer.
  const fr = ok(await sdk({ langCode: 'fr_FR' }).ProductStatuses.getProductStatuses(), 'getProductStatuses() in fr_FR');
  assert.deepEqual(fr.map((s) => s.localizeInfos.title), ['En stock', 'Épuisé']);
});

test('ProductStatuses.getProductsByStatusMarker returns the status', async () => {
  const client = sdk();
  const st = ok(await client.ProductStatuses.getProductsByStatusMarker('sold_out'), "getProductsByStatusMarker('sold_out')");
  assert.equal(st.identifier, 'sold_out');
  assert.deepEqual(st.localizeInfos, { title: 'Sold out' });
  failsWith(await client.ProductStatuses.getProductsByStatusMarker('nope'), 404, 'getProductsByStatusMarker(unknown)');
});

test('ProductStatuses.validateMarker says whether a status has the marker', async () => {
  const client = sdk();
  assert.equal(await client.ProductStatuses.validateMarker('in_stock'), true);
  assert.equal(await client.ProductStatuses.validateMarker('nope'), false);
});

// ------------------------------------------------------------------- Products

test('Products.getProductById answers the full entity with its attribute values', async () => {
  const client = sdk();
  const p = ok(await client.Products.getProductById(201), 'getProductById(201)');
  assert.equal(p.price, 340);
  assert.equal(p.statusIdentifier, 'in_stock');
  assert.deepEqual(p.statusLocalizeInfos, { title: 'In stock' });
  assert.equal(p.attributeSetIdentifier, 'product');
  assert.deepEqual(p.relatedIds, [202, 203, 204]);
  assert.deepEqual(p.categories, []);
  const v = p.attributeValues;
  // The SDK sorts attributeValues by position.
  assert.deepEqual(Object.keys(v), ['price', 'currency', 'sale', 'units_product', 'color', 'description', 'release', 'pic', 'sku_code']);
  assert.equal(v.price.value, 340);
  assert.equal(v.currency.value, 'USD');
  assert.equal(v.sale.value, 299.5);
  assert.equal(v.units_product.value, 12);
  assert.deepEqual(v.color.value, COLOR_OPTIONS[0]);
  assert.equal(v.description.value[0].plainValue, 'Soft & round');
  assert.equal(v.release.value.formattedValue, '08-05-2025');
  // One image: the SDK unwraps the list to the object.
  assert.equal(v.pic.value.downloadLink, 'https://example.test/cosmo.png');
  assert.equal(v.supplier_note, undefined);

  const fr = ok(await client.Products.getProductById(201, 'fr_FR'), 'getProductById(201, fr_FR)');
  assert.deepEqual(fr.localizeInfos, { title: 'Chaise Cosmo' });
  assert.deepEqual(fr.statusLocalizeInfos, { title: 'En stock' });
  assert.equal(fr.attributeValues.color.value.value, 'blue');
  assert.equal(fr.attributeValues.sale.value, 299.5, 'values missing in fr_FR fall back to en_US');
  for (const lang of ['EN', 'en', 'EN_US']) {
    const p2 = ok(await client.Products.getProductById(201, lang), `getProductById(201, ${lang})`);
    assert.deepEqual(p2.localizeInfos, { title: 'Cosmo chair' }, lang);
  }
  failsWith(await client.Products.getProductById(204), 404, 'getProductById(hidden)');
});

test('Products.getProductsByIds answers the same entities', async () => {
  const got = ok(await sdk().Products.getProductsByIds('202,201'), "getProductsByIds('202,201')");
  assert.deepEqual(got.map((p) => p.id), [202, 201]);
  assert.deepEqual(got[0].attributeValues.color.value.map((o) => o.value), ['green', 'blue']);
  assert.equal(got[0].attributeValues.units_product.value, 0);
});

test('Products.getRelatedProductsById lists the visible related products', async () => {
  const client = sdk();
  const got = ok(await client.Products.getRelatedProductsById(201), 'getRelatedProductsById(201)');
  assert.equal(got.total, 2);
  assert.deepEqual(got.items.map((p) => p.id), [202, 203]);
  assert.equal(got.items[1].statusIdentifier, 'sold_out');
  const page = ok(await client.Products.getRelatedProductsById(201, 'fr_FR', { offset: 1, limit: 1 }), 'related, second page');
  assert.deepEqual(page.items.map((p) => [p.id, p.localizeInfos.title]), [[203, 'Canapé Nova']]);
  assert.equal(page.total, 2);
  const sorted = ok(await client.Products.getRelatedProductsById(201, 'en_US', { sortKey: 'price', sortOrder: 'DESC', statusMarker: 'in_stock' }),
    'related, in stock, by price');
  assert.deepEqual([sorted.items.map((p) => p.id), sorted.total], [[202], 1]);
  const none = ok(await client.Products.getRelatedProductsById(14), 'getRelatedProductsById(14)');
  assert.deepEqual(none, { items: [], total: 0 });
  failsWith(await client.Products.getRelatedProductsById(999999), 404, 'getRelatedProductsById(unknown)');
});
