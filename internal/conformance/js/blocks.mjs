// Calls the official SDK's Blocks, Templates and GeneralTypes methods and Pages.getBlocksByPageUrl
// (oneentry@1.0.149) with strict zod validation, as OneEntry's e-commerce
// template does for its texts, footer, orders page and home page, against
// the demo shop. Driven by TestOfficialSDKBlocks; by hand, against
// `openentry serve --demo`:
//
//   OPENENTRY_URL=http://127.0.0.1:8080 OPENENTRY_APP_TOKEN=tok node --test blocks.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sdk, ok, failsWith } from './helpers.mjs';

test('the dictionary, contact and orders blocks the layout reads', async () => {
  const client = sdk();
  const dict = ok(await client.Blocks.getBlockByMarker('system_content', 'en_US'), 'getBlockByMarker(system_content)');
  assert.equal(Object.keys(dict.attributeValues).length, 52);
  assert.equal(dict.attributeValues.add_to_cart_button.value, 'Add to cart');
  const fr = ok(await client.Blocks.getBlockByMarker('system_content', 'fr_FR'), 'system_content in fr_FR');
  assert.equal(fr.attributeValues.add_to_cart_button.value, 'Ajouter au panier');
  const contact = ok(await client.Blocks.getBlockByMarker('contact_info', 'en_US'), 'contact_info');
  assert.equal(typeof contact.attributeValues.phone_1.value, 'string');
  const orders = ok(await client.Blocks.getBlockByMarker('orders_settings', 'en_US'), 'orders_settings');
  assert.equal(orders.attributeValues.orders_limit.value, 10);
  failsWith(await client.Blocks.getBlockByMarker('nope', 'en_US'), 404, 'an unknown block');
});

test('home: the page lists its blocks; getBlocks and searchBlock find them', async () => {
  const client = sdk();
  const home = ok(await client.Pages.getPageByUrl('home_web', 'en_US'), 'getPageByUrl(home_web)');
  assert.deepEqual(home.blocks, ['home_banner', 'offer_best_seller', 'offer_promotion', 'offer_new_arrivals']);
  const blocks = ok(await client.Pages.getBlocksByPageUrl('home_web', 'en_US'), 'getBlocksByPageUrl(home_web)');
  assert.deepEqual(blocks.map((b) => b.identifier), home.blocks);
  assert.equal(blocks[1].attributeValues.link.value, 'hit', 'the template links to /{lang}/shop/{link}');
  assert.match(blocks[0].attributeValues.bg_web.value.downloadLink, /\/cloud-static\/files\//);
  const common = ok(await client.Blocks.getBlocks('common_block', 'en_US', 0, 30), 'getBlocks(common_block)');
  assert.equal(common.total, 7);
  const hits = ok(await client.Blocks.searchBlock('best', 'en_US'), 'searchBlock(best)');
  assert.deepEqual(hits.map((h) => h.identifier), ['offer_best_seller']);
});

test('product rows: similar products, and products ordered together', async () => {
  const client = sdk();
  const similar = ok(await client.Blocks.getBlockByMarker('similar', 'en_US'), 'getBlockByMarker(similar)');
  assert.equal(similar.type, 'similar_products_block');
  assert.deepEqual(similar.similarProducts.items.map((p) => p.id), [100, 101, 102, 103], 'the SDK fetches them itself');
  const listed = ok(await client.Blocks.getProductsByBlockMarker('similar', 'en_US', 0, 2), 'getProductsByBlockMarker(similar)');
  assert.deepEqual(listed.map((p) => p.id), [100, 101]);
  const similar2 = ok(await client.Blocks.getSimilarProducts('similar', 'en_US', 1, 2), 'getSimilarProducts(similar)');
  assert.deepEqual(similar2.items.map((p) => p.id), [101, 102]);
  assert.equal(similar2.total, 4);
  const often = ok(await client.Blocks.getFrequentlyOrderedProducts(100, 'multiply_items_offer', 'en_US'), 'getFrequentlyOrderedProducts');
  assert.deepEqual(often, { items: [], total: 0 }, 'no orders yet');
});

test('a product lists its blocks: getProductById and getProductBlockById', async () => {
  const client = sdk();
  const product = ok(await client.Products.getProductById(100, 'en_US'), 'getProductById(100)');
  assert.deepEqual(product.blocks, ['similar', 'multiply_items_offer']);
  const blocks = ok(await client.Products.getProductBlockById(100), 'getProductBlockById(100)');
  assert.deepEqual(blocks.map((b) => [b.identifier, b.type]), [['similar', 'similar_products_block'], ['multiply_items_offer', 'frequently_ordered_block']]);
  assert.equal(blocks[0].isSync, false);
  assert.deepEqual(ok(await client.Products.getProductBlockById(101), 'getProductBlockById(101)'), []);
});

test('templates the pages name, and the general types', async () => {
  const client = sdk();
  const side = ok(await client.Templates.getTemplateByMarker('withSidebar', 'en_US'), 'getTemplateByMarker(withSidebar)');
  assert.equal(side.generalTypeName, 'common_page');
  const all = ok(await client.Templates.getAllTemplates('en_US'), 'getAllTemplates');
  assert.deepEqual(Object.keys(all).sort(), ['common_page', 'product']);
  const products = ok(await client.Templates.getTemplateByType('product', 'en_US'), 'getTemplateByType(product)');
  assert.deepEqual(products.map((t) => t.identifier), ['product_card']);
  failsWith(await client.Templates.getTemplateByMarker('nope', 'en_US'), 404, 'an unknown template');
  const types = ok(await client.GeneralTypes.getAllTypes(), 'getAllTypes');
  assert.equal(types.find((t) => t.type === 'common_page').id, 8);
});
