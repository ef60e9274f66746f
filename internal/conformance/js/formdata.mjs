// Calls the official SDK's FormData methods (oneentry@1.0.149) with strict
// zod validation, in the shapes OneEntry's e-commerce template sends its
// product reviews, against the demo shop (form comment_to_product). Driven
// by TestOfficialSDKFormData; by hand, against `openentry serve --demo`:
//
//   OPENENTRY_URL=http://127.0.0.1:8080 OPENENTRY_APP_TOKEN=tok node --test formdata.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sdk, ok, failsWith, credentials } from './helpers.mjs';

/** The template's review form submission (components/forms/ReviewForm.tsx). */
function review(productId, rating, text) {
  return {
    formIdentifier: 'comment_to_product',
    formData: [
      { marker: 'rating', type: 'integer', value: rating },
      { marker: 'comment_description', type: 'text', value: text },
    ],
    formModuleConfigId: 5,
    moduleEntityIdentifier: productId,
    replayTo: null,
    status: 'approved',
  };
}

/** The template's product page call (components/layout/product/index.tsx). */
async function reviews(client, productId) {
  return ok(await client.FormData.getFormsDataByMarker('comment_to_product', 5,
    { entityIdentifier: productId, userIdentifier: '', status: ['approved'], dateFrom: '', dateTo: '' }, 1, 'en_US', 0, 500),
  `getFormsDataByMarker(comment_to_product, ${productId})`);
}

test('a guest reviews a product and the product page lists it', async () => {
  const client = sdk();
  const before = await reviews(client, 110);
  const sent = ok(await client.FormData.postFormsData(review(110, 5, 'Bright and warm.')), 'postFormsData as a guest');
  assert.equal(sent.actionMessage, 'Thank you for your review.');
  assert.equal(sent.formData.formIdentifier, 'comment_to_product');
  assert.equal(sent.formData.entityIdentifier, '110');
  assert.equal(sent.formData.userIdentifier, null);
  const after = await reviews(client, 110);
  assert.equal(after.total, before.total + 1);
  const listed = after.items[0];
  assert.equal(listed.id, sent.formData.id, 'newest first');
  assert.equal(listed.parentId, null, 'the template shows parents, parentId null');
  assert.deepEqual(listed.formData.map((f) => [f.marker, f.value]), [['rating', 5], ['comment_description', 'Bright and warm.']]);
  assert.equal(typeof listed.time, 'string');
});

test('a user changes, re-statuses and deletes their own review', async () => {
  const client = sdk();
  ok(await client.AuthProvider.auth('email', credentials('your-user@email.com', '123456')), 'auth seed user');
  const sent = ok(await client.FormData.postFormsData(review(111, 4, 'Good.')), 'postFormsData as a user');
  assert.equal(sent.formData.userIdentifier, 'your-user@email.com');
  const id = sent.formData.id;
  const changed = ok(await client.FormData.updateFormsDataByid(id, {
    formData: [{ marker: 'rating', type: 'integer', value: 3 }, { marker: 'comment_description', type: 'text', value: 'Good enough.' }],
  }), 'updateFormsDataByid');
  assert.deepEqual(changed.formData.map((f) => f.value), [3, 'Good enough.']);
  assert.equal(ok(await client.FormData.updateFormsDataStatusByid(id, { status: 'approved' }), 'updateFormsDataStatusByid'), true);
  failsWith(await client.FormData.updateFormsDataStatusByid(id, { status: 'featured' }), 400, 'a status the form does not allow');
  failsWith(await sdk().FormData.deleteFormsDataByid(id), 401, 'a guest deletes');
  assert.equal(ok(await client.FormData.deleteFormsDataByid(id), 'deleteFormsDataByid'), true);
  failsWith(await client.FormData.deleteFormsDataByid(id), 404, 'deleted twice');
});

test('a review exactly as the template sends it: values as strings, text as [{plainValue}]', async () => {
  const client = sdk();
  ok(await client.AuthProvider.auth('email', credentials('your-user@email.com', '123456')), 'auth seed user');
  const sent = ok(await client.FormData.postFormsData({
    formIdentifier: 'comment_to_product',
    formData: [
      { marker: 'rating', type: 'integer', value: '5' },
      { marker: 'review_images', type: 'groupOfImages', value: [] },
      { marker: 'comment_description', type: 'text', value: [{ plainValue: 'Solid and quiet.' }] },
    ],
    formModuleConfigId: 5,
    moduleEntityIdentifier: 112,
    status: 'approved',
  }), 'postFormsData as the template sends it');
  assert.equal(sent.actionMessage, 'Thank you for your review.');
  const listed = (await reviews(client, 112)).items.find((e) => e.id === sent.formData.id);
  assert.deepEqual(listed.formData.find((f) => f.marker === 'comment_description').value, [{ plainValue: 'Solid and quiet.' }]);
});

test('bad entries are 4xx errors that say what is wrong', async () => {
  const client = sdk();
  const unknown = review(110, 5, 'x');
  unknown.formIdentifier = 'nope';
  failsWith(await client.FormData.postFormsData(unknown), 404, 'an unknown form');
  const res = failsWith(await client.FormData.postFormsData(review(110, 5, '')), 400, 'a required field left empty');
  assert.match(res.message, /comment_description/);
  failsWith(await client.FormData.getFormsDataByMarker('nope', 5, {}, 0, 'en_US', 0, 10), 404, 'list of an unknown form');
});
