// Calls the official SDK's Pages methods (oneentry@1.0.149) with strict zod
// validation, the way OneEntry's e-commerce template calls them, against the
// project of pages_test.go (pagesProject). Driven by TestOfficialSDKPages; by
// hand, against a server with that project:
//
//   OPENENTRY_URL=http://127.0.0.1:18080 OPENENTRY_APP_TOKEN=tok node --test pages.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sdk, ok, failsWith } from './helpers.mjs';

const ROOTS = ['home_web', 'shop', 'category', 'catalog_filters', 'profile', 'payment', '404'];

/** Asserts what every page the SDK hands out has, and returns it. */
function page(p, url, what) {
  assert.equal(typeof p.id, 'number', `${what}: id`);
  assert.equal(p.pageUrl, url, `${what}: pageUrl`);
  assert.equal(p.isVisible, true, `${what}: isVisible`);
  assert.equal(typeof p.localizeInfos.title, 'string', `${what}: localizeInfos.title`);
  assert.deepEqual(p.blocks, [], `${what}: blocks`);
  return p;
}

test('Pages.getPageByUrl("shop") in en_US and fr_FR', async () => {
  const client = sdk();
  const shop = page(ok(await client.Pages.getPageByUrl('shop', 'en_US'), 'getPageByUrl(shop)'), 'shop', 'shop');
  assert.equal(shop.parentId, null);
  assert.equal(shop.depth, 0);
  assert.equal(shop.type, 'catalog_page');
  assert.deepEqual(shop.localizeInfos, { title: 'Shop', menuTitle: 'Shop', htmlContent: '', plainContent: '' });
  assert.deepEqual(shop.config, { rowsPerPage: 2, productsPerRow: 5 });
  assert.equal(shop.templateIdentifier, null);
  assert.equal(shop.childrenCount, '0');
  const fr = ok(await client.Pages.getPageByUrl('shop', 'fr_FR'), 'getPageByUrl(shop, fr_FR)');
  assert.equal(fr.localizeInfos.title, 'Boutique');
  assert.equal(fr.id, shop.id);
});

test('Pages.getChildPagesByParentUrl("category") lists the categories with their image', async () => {
  const client = sdk();
  const category = ok(await client.Pages.getPageByUrl('category', 'en_US'), 'getPageByUrl(category)');
  for (const lang of ['en_US', 'fr_FR']) {
    const children = ok(await client.Pages.getChildPagesByParentUrl('category', lang), `getChildPagesByParentUrl(category, ${lang})`);
    assert.deepEqual(children.map((c) => c.pageUrl), ['furniture', 'lighting'], 'the hidden category is left out');
    for (const c of children) {
      page(c, c.pageUrl, c.pageUrl);
      assert.equal(c.parentId, category.id);
      assert.equal(c.depth, 1);
      // en_US's image, in fr_FR too: a value falls back to en_US.
      assert.equal(c.attributeValues.opengraph_image.type, 'image');
      assert.equal(c.attributeValues.opengraph_image.value.downloadLink, `https://cdn.example/${c.pageUrl}.png`);
    }
    assert.equal(children[0].localizeInfos.title, lang === 'en_US' ? 'Furniture' : 'Meubles');
    assert.equal(children[0].products, 2);
  }
  assert.equal(category.childrenCount, '2');
  // The template's build enumerates /shop/{handle} from shop's children.
  assert.deepEqual(ok(await client.Pages.getChildPagesByParentUrl('shop', 'en_US'), 'getChildPagesByParentUrl(shop)'), []);
});

test('Pages.getPageByUrl: the template\'s catalog_filters, 404, profile and payment', async () => {
  const client = sdk();
  const filters = ok(await client.Pages.getPageByUrl('catalog_filters', 'fr_FR'), 'getPageByUrl(catalog_filters)');
  assert.deepEqual(
    Object.entries(filters.attributeValues).map(([m, v]) => [m, v.value, v.position]).sort((a, b) => a[2] - b[2]),
    [['price_filter', 'Prix', 3], ['color_filter', 'Couleur', 4], ['availability_filter', 'Disponibilité', 5]]);
  const notFound = ok(await client.Pages.getPageByUrl('404', 'en_US'), 'getPageByUrl(404)');
  assert.equal(notFound.type, 'error_page');
  assert.equal(notFound.localizeInfos.title, 'Page not found');
  assert.equal(notFound.attributeValues.error_description.value, 'The page you are looking for does not exist.');
  for (const url of ['profile', 'payment', 'home_web']) {
    const p = page(ok(await client.Pages.getPageByUrl(url, 'en_US'), `getPageByUrl(${url})`), url, url);
    assert.equal(p.templateIdentifier, url === 'home_web' ? null : 'withSidebar');
  }
});

test('Pages.getRootPages and getPages list the visible pages in order', async () => {
  const client = sdk();
  const roots = ok(await client.Pages.getRootPages('en_US'), 'getRootPages');
  assert.deepEqual(roots.map((p) => p.pageUrl), ROOTS);
  const all = ok(await client.Pages.getPages('fr_FR'), 'getPages');
  assert.deepEqual(all.map((p) => p.pageUrl), ['home_web', 'shop', 'category', 'furniture', 'lighting', 'catalog_filters', 'profile', 'payment', '404']);
  assert.equal(all.find((p) => p.pageUrl === 'home_web').localizeInfos.title, 'Accueil');
});

test('Pages.getPageById returns the page getPageByUrl does', async () => {
  const client = sdk();
  const byUrl = ok(await client.Pages.getPageByUrl('lighting', 'fr_FR'), 'getPageByUrl(lighting)');
  const byId = ok(await client.Pages.getPageById(byUrl.id, 'fr_FR'), 'getPageById');
  assert.deepEqual(byId, byUrl);
  assert.equal(byId.localizeInfos.title, 'Éclairage');
});

test('Pages.getConfigPageByUrl gives the display settings', async () => {
  const client = sdk();
  assert.deepEqual(ok(await client.Pages.getConfigPageByUrl('shop'), 'getConfigPageByUrl(shop)'), { rowsPerPage: 2, productsPerRow: 5 });
  assert.deepEqual(ok(await client.Pages.getConfigPageByUrl('category'), 'getConfigPageByUrl(category)'), { rowsPerPage: null, productsPerRow: null });
});

test('Pages.searchPage finds pages by title, then reads each by id', async () => {
  const client = sdk();
  const sorted = (pages) => pages.map((p) => p.pageUrl).sort();
  const all = ok(await client.Pages.searchPage('ing', undefined, 'en_US'), 'searchPage(ing)');
  assert.deepEqual(sorted(all), ['lighting']);
  page(all[0], 'lighting', 'search hit');
  assert.equal(all[0].attributeValues.opengraph_image.type, 'image', 'the hit is the whole page');
  assert.deepEqual(sorted(ok(await client.Pages.searchPage('E', 'category', 'fr_FR'), 'searchPage(E, category)')), ['furniture', 'lighting']);
  assert.deepEqual(ok(await client.Pages.searchPage('secret', undefined, 'en_US'), 'searchPage(secret)'), []);
});

test('Pages: unknown and hidden pages are 404', async () => {
  const client = sdk();
  failsWith(await client.Pages.getPageByUrl('nope', 'en_US'), 404, 'getPageByUrl(nope)');
  failsWith(await client.Pages.getPageByUrl('secret', 'en_US'), 404, 'getPageByUrl(hidden)');
  failsWith(await client.Pages.getPageById(999999, 'en_US'), 404, 'getPageById(unknown)');
  failsWith(await client.Pages.getConfigPageByUrl('nope'), 404, 'getConfigPageByUrl(nope)');
  // The list methods pass an error body on to addTemplateToPages, which
  // throws a TypeError on it; the template runs with errors.isShell false,
  // where the SDK throws the body itself, before that.
  const thrower = sdk({ errors: { isShell: false } });
  for (const url of ['nope', 'secret']) {
    await assert.rejects(thrower.Pages.getChildPagesByParentUrl(url, 'en_US'), (e) => {
      assert.equal(e.statusCode, 404, `getChildPagesByParentUrl(${url}): ${JSON.stringify(e)}`);
      return true;
    });
  }
  await assert.rejects(thrower.Pages.getPageByUrl('nope', 'en_US'), (e) => e.statusCode === 404);
});
