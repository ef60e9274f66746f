// Calls the official SDK's TemplatePreviews and Sitemap methods
// (oneentry@1.0.149) with strict zod validation against the demo shop, then
// reads the generated sitemap as a crawler does. Driven by
// TestOfficialSDKPreviews; by hand, against `openentry serve --demo`:
//
//   OPENENTRY_URL=http://127.0.0.1:8080 OPENENTRY_APP_TOKEN=tok node --test previews.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sdk, ok, failsWith } from './helpers.mjs';

test('template previews: the list, one by marker, an unknown marker', async () => {
  const client = sdk();
  const all = ok(await client.TemplatePreviews.getTemplatePreviews('en_US'), 'getTemplatePreviews');
  assert.deepEqual(all.map((p) => p.identifier), ['product_card', 'home_banner']);
  assert.deepEqual(all.map((p) => p.position), [1, 2]);
  const card = all[0];
  assert.equal(card.title, 'Product card picture');
  assert.deepEqual(card.proportions.default, {
    horizontal: { width: 480, height: 360, alignmentType: 'center' },
    vertical: null,
    square: { side: 480, alignmentType: 'center' },
  });
  assert.equal(card.isUsed, false);
  assert.equal(card.version, 1);

  const banner = ok(await client.TemplatePreviews.getTemplatePreviewByMarker('home_banner', 'fr_FR'),
    'getTemplatePreviewByMarker(home_banner)');
  assert.equal(banner.title, "Bannière d'accueil");
  assert.deepEqual(banner.proportions.default.vertical, { width: 600, height: null, alignmentType: 'middleTop' });
  failsWith(await client.TemplatePreviews.getTemplatePreviewByMarker('nope', 'en_US'), 404, 'an unknown preview');
});

test('sitemap: none before updateSitemap, then the visible pages and products', async () => {
  const client = sdk();
  assert.deepEqual(ok(await client.Sitemap.getSitemap(), 'getSitemap before'), []);
  const bases = { en_US: 'https://shop.example/en/', fr_FR: 'https://shop.example/fr/' };
  const links = ok(await client.Sitemap.updateSitemap({ baseUrls: bases }), 'updateSitemap');
  assert.equal(links.length, 1);
  assert.match(links[0], /\/cloud-static\/files\/project\/sitemap\/sitemap-000\.xml$/);
  assert.deepEqual(ok(await client.Sitemap.getSitemap(), 'getSitemap after'), links);
  // A second call over the same content gives the same links.
  assert.deepEqual(ok(await client.Sitemap.updateSitemap({ baseUrls: bases }), 'updateSitemap again'), links);

  const res = await fetch(links[0]); // as a crawler: no app token
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/xml/);
  const locs = [...(await res.text()).matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
  for (const want of ['https://shop.example/en/shop/new', 'https://shop.example/fr/category/furniture',
    'https://shop.example/en/product/100', 'https://shop.example/fr/home']) {
    assert.ok(locs.includes(want), `sitemap lacks ${want}`);
  }
  assert.ok(!locs.some((l) => l.endsWith('/404')), 'the error page is not for indexing');
  assert.equal(new Set(locs).size, locs.length, 'urls are listed once');

  failsWith(await client.Sitemap.updateSitemap({ baseUrls: { en_US: 'not a url' } }), 400, 'a relative base');
});
