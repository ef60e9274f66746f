// Calls the official SDK's FileUploading and System methods (oneentry@1.0.149)
// with strict zod validation, against a server whose upload limit is 64 KiB.
// Driven by TestOfficialSDKFiles; by hand, against `openentry serve --demo`
// (10 MiB limit: the oversize test then sends 64 KiB + 1 and expects 201 —
// run it through the Go test instead):
//
//   OPENENTRY_URL=http://127.0.0.1:8080 OPENENTRY_APP_TOKEN=tok node --test files.mjs
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';

import { sdk, ok, failsWith, uniqueEmail, credentials } from './helpers.mjs';

/** The server's upload limit in this run (files_test.go). */
const LIMIT = 64 << 10;
const FOLDER = { type: 'page', entity: 'editor', id: 3787 };

/** A PNG signature and a few bytes: what the server sniffs as image/png. */
function png(tag) {
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from(`IHDR ${tag} ${randomUUID()}`)]);
}

/** Signs up a new user and signs it in on a new client. */
async function newUser(tag) {
  const email = uniqueEmail(tag);
  const password = `pw-${randomUUID()}`;
  const client = sdk();
  ok(await client.AuthProvider.signUp('email', {
    formIdentifier: 'reg',
    authData: credentials(email, password).authData,
    formData: [{ marker: 'name_reg', type: 'string', value: `Name of ${tag}` }],
    notificationData: { email, phonePush: [], phoneSMS: '' },
  }), `signUp ${email}`);
  ok(await client.AuthProvider.auth('email', credentials(email, password)), `auth ${email}`);
  return client;
}

async function bytesOf(response) {
  return Buffer.from(await response.arrayBuffer());
}

test('a guest uploads an image; downloadLink and getFile serve its bytes', async () => {
  const client = sdk();
  const data = png('guest');
  const file = new File([data], 'photo.png', { type: 'image/png' });
  const got = ok(await client.FileUploading.upload(file, { ...FOLDER, width: 0, height: 0, compress: true, template: 1 }), 'upload');
  assert.ok(Array.isArray(got) && got.length === 1, `got ${JSON.stringify(got)}, want an array of one`);
  const [up] = got;
  assert.match(up.filename, /^photo-\d{13}\.png$/);
  assert.equal(up.size, data.length);
  assert.match(up.downloadLink, new RegExp(`^http://[^/]+/cloud-static/files/\\d+/${up.filename}$`), 'an absolute link');

  const linked = await fetch(up.downloadLink);
  assert.equal(linked.status, 200);
  assert.equal(linked.headers.get('content-type'), 'image/png');
  assert.deepEqual(await bytesOf(linked), data);

  const res = await client.FileUploading.getFile(FOLDER.id, FOLDER.type, FOLDER.entity, up.filename, '1');
  assert.ok(res instanceof Response, 'getFile returns the raw Response');
  assert.equal(res.status, 200);
  assert.deepEqual(await bytesOf(res), data);

  const other = await client.FileUploading.getFile(3788, FOLDER.type, FOLDER.entity, up.filename);
  assert.equal(other.status, 404, 'another folder');
  assert.equal((await other.json()).statusCode, 404);

  // Nobody can delete a guest's upload through the API.
  const user = await newUser('guest-file');
  failsWith(await user.FileUploading.delete(up.filename, FOLDER), 404, "a user deletes a guest's upload");
  failsWith(await client.FileUploading.delete(up.filename, FOLDER), 401, 'a guest deletes');
});

test('a user uploads a copy made with createFileFromUrl and deletes it; nobody else can', async () => {
  const guest = sdk();
  const [first] = ok(await guest.FileUploading.upload(new Blob([png('copied')], { type: 'image/png' }), FOLDER), 'upload a Blob');
  assert.match(first.filename, /^blob-\d{13}\.png$/, 'a Blob is named blob, with the extension its bytes say');

  const owner = await newUser('file-owner');
  const copy = await owner.FileUploading.createFileFromUrl(first.downloadLink, 'copy.png');
  assert.equal(copy.type, 'image/png');
  const [mine] = ok(await owner.FileUploading.upload(copy, FOLDER), 'upload the copy');
  assert.match(mine.filename, /^copy-\d{13}\.png$/);
  assert.equal(mine.size, first.size);

  const stranger = await newUser('file-stranger');
  failsWith(await stranger.FileUploading.delete(mine.filename, FOLDER), 404, "another user's upload");
  failsWith(await owner.FileUploading.delete(mine.filename, { ...FOLDER, id: 1 }), 404, 'the wrong folder');
  assert.equal(ok(await owner.FileUploading.delete(mine.filename, FOLDER), 'delete'), true);
  failsWith(await owner.FileUploading.delete(mine.filename, FOLDER), 404, 'deleted twice');
  const gone = await owner.FileUploading.getFile(FOLDER.id, FOLDER.type, FOLDER.entity, mine.filename);
  assert.equal(gone.status, 404, 'getFile after delete');
  // The guest's upload of the same bytes keeps them.
  assert.equal((await fetch(first.downloadLink)).status, 200);
});

test('bad uploads are 4xx errors that say what is wrong, 413 over the limit', async () => {
  const client = sdk();
  const big = new File([Buffer.concat([png('big'), Buffer.alloc(LIMIT)])], 'big.png', { type: 'image/png' });
  const tooLarge = failsWith(await client.FileUploading.upload(big, FOLDER), 413, 'over the limit');
  assert.match(tooLarge.message, /65536 bytes/);
  const exe = failsWith(await client.FileUploading.upload(new File(['MZ\x90\x00'], 'setup.exe'), FOLDER), 400, 'an executable');
  assert.match(exe.message, /files\[0\]/);
  failsWith(await client.FileUploading.upload(new File([png('x')], 'x.png'), { type: '../etc' }), 400, 'a path as the folder type');
});

test('System: test404 and test500 answer those errors, getApiStat counts requests by day', async () => {
  const client = sdk();
  failsWith(await client.System.test404(), 404, 'test404');
  failsWith(await client.System.test500(), 500, 'test500');
  const thrown = sdk({ errors: { isShell: false } });
  await assert.rejects(thrown.System.test404(), (e) => e.statusCode === 404);
  const stat = ok(await client.System.getApiStat(), 'getApiStat');
  const today = new Date().toISOString().slice(0, 10);
  for (const [day, n] of Object.entries(stat)) {
    assert.match(day, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(Number.isInteger(n) && n > 0, `${day}: ${n}`);
  }
  assert.ok(stat[today] >= 3, `today (${today}): got ${stat[today]}, want at least the 3 calls above`);
});
