// Calls the official SDK's Locales and Menus methods (oneentry@1.0.149) with
// strict zod validation, the way OneEntry's e-commerce template calls them
// (language selector, header, footer), against the project of menus_test.go
// (menusProject). Driven by TestOfficialSDKMenus; by hand, against a server
// with that project:
//
//   OPENENTRY_URL=http://127.0.0.1:18080 OPENENTRY_APP_TOKEN=tok node --test menus.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sdk, ok, failsWith } from './helpers.mjs';

test('Locales.getLocales lists the project\'s locales in order', async () => {
  const locales = ok(await sdk().Locales.getLocales(), 'getLocales');
  assert.deepEqual(locales.map(({ id, ...rest }) => {
    assert.equal(typeof id, 'number');
    return rest;
  }), [
    { shortCode: 'en', code: 'en_US', name: 'English', nativeName: 'English', isActive: true, image: null, position: 1 },
    { shortCode: 'fr', code: 'fr_FR', name: 'French', nativeName: 'Français', isActive: true, image: null, position: 2 },
  ]);
});

/** The template's flatMenuToNested: items under their parentId. */
function nest(pages, parentId) {
  return pages.filter((p) => p.parentId === parentId)
    .map((p) => ({ url: p.pageUrl, children: nest(pages, p.id) }));
}

test('Menus.getMenusByMarker("main_web") nests the categories by parentId', async () => {
  const client = sdk();
  const category = ok(await client.Pages.getPageByUrl('category', 'en_US'), 'getPageByUrl(category)');
  for (const [lang, title, furniture] of [['en_US', 'Main menu', 'Furniture'], ['fr_FR', 'Menu principal', 'Meubles']]) {
    const menu = ok(await client.Menus.getMenusByMarker('main_web', lang), `getMenusByMarker(main_web, ${lang})`);
    assert.equal(menu.identifier, 'main_web');
    assert.equal(typeof menu.id, 'number');
    assert.deepEqual(menu.localizeInfos, { title });
    assert.ok(Array.isArray(menu.pages));
    assert.deepEqual(nest(menu.pages, null), [
      { url: 'shop', children: [] },
      { url: 'category', children: [{ url: 'furniture', children: [] }, { url: 'lighting', children: [] }] },
    ], 'the hidden category is left out');
    const byUrl = Object.fromEntries(menu.pages.map((p) => [p.pageUrl, p]));
    assert.equal(byUrl.category.id, category.id, 'a menu page has its page\'s id');
    assert.equal(byUrl.furniture.parentId, category.id);
    assert.equal(byUrl.furniture.localizeInfos.menuTitle, furniture);
    assert.equal(byUrl.furniture.attributeValues.opengraph_image.value.downloadLink, 'https://cdn.example/furniture.png');
    assert.deepEqual(menu.pages.map((p) => p.position), [1, 2, 3, 5]);
  }
});

test('Menus.getMenusByMarker("user_web") with the SDK\'s default langCode', async () => {
  const menu = ok(await sdk().Menus.getMenusByMarker('user_web'), 'getMenusByMarker(user_web)');
  assert.deepEqual(menu.pages.map((p) => [p.pageUrl, p.parentId, p.localizeInfos.title]), [['profile', null, 'Profile'], ['payment', null, 'Payment']]);
  // The template asks with fr_FR for /fr pages.
  const fr = ok(await sdk().Menus.getMenusByMarker('user_web', 'fr_FR'), 'getMenusByMarker(user_web, fr_FR)');
  assert.deepEqual(fr.localizeInfos, { title: 'User menu' }, 'no fr_FR title: en_US\'s');
  assert.equal(fr.pages[0].localizeInfos.title, 'Profil');
});

test('Menus.getMenusByMarker: an unknown menu is 404', async () => {
  failsWith(await sdk().Menus.getMenusByMarker('nope', 'en_US'), 404, 'getMenusByMarker(nope)');
  await assert.rejects(sdk({ errors: { isShell: false } }).Menus.getMenusByMarker('nope', 'en_US'), (e) => e.statusCode === 404);
});
