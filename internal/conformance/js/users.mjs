// Calls the official OneEntry JS SDK (oneentry@1.0.149) against an OpenEntry
// server for the account life cycle: activation and reset codes, password
// changes, device sessions, logout everywhere, profile updates, archive and
// delete, and the SDK's refresh once an access token has expired. Driven by
// conformance_test.go (TestOfficialSDKUsers), which also runs an SMTP test
// server for the server's mail and a loopback mailbox that hands the mailed
// codes to this script:
//
//   GET $OPENENTRY_MAILBOX_URL/code?to=ADDR&after=N  the code in the newest
//       message to ADDR once more than N have arrived (X-Mail-Count: how many)
//   GET $OPENENTRY_MAILBOX_URL/count?to=ADDR         how many have arrived
//
// The server needs the demo project plus provider email_short (access tokens
// live 2 s). As in methods.mjs, with the default config (errors.isShell) the
// SDK returns error bodies instead of throwing them, so every success check
// starts with ok() and every error check with failsWith(). A new code for the
// same user and event is refused for 30 s, so each test makes its own users.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';

import { URL, TOKEN, VALIDATION, sdk, ok, failsWith, uniqueEmail, credentials } from './helpers.mjs';

const MAILBOX = process.env.OPENENTRY_MAILBOX_URL;
if (!URL || !TOKEN || !MAILBOX) {
  throw new Error('set OPENENTRY_URL, OPENENTRY_APP_TOKEN and OPENENTRY_MAILBOX_URL');
}

/** Asserts that an SDK result is exactly true (the answer of the code, logout and user calls). */
function isTrue(result, what) {
  ok(result, what);
  assert.equal(result, true, `${what}: got ${JSON.stringify(result)}, want true`);
}

function newPassword() {
  return `pw-${randomUUID()}`;
}

function signUpBody(email, password, name) {
  return {
    formIdentifier: 'reg',
    authData: credentials(email, password).authData,
    formData: [{ marker: 'name_reg', type: 'string', value: name }],
    notificationData: { email, phonePush: [], phoneSMS: '' },
  };
}

/** Signs up a new user on provider (active at once unless the provider checks codes). */
async function signUp(provider, tag) {
  const email = uniqueEmail(tag);
  const password = newPassword();
  const user = ok(await sdk().AuthProvider.signUp(provider, signUpBody(email, password, `Name of ${tag}`)), `signUp ${email} on ${provider}`);
  return { email, password, user };
}

/** Signs in on a new client (a new device fingerprint). */
async function signIn(provider, email, password, extra = {}) {
  const client = sdk(extra);
  const tokens = ok(await client.AuthProvider.auth(provider, credentials(email, password)), `auth ${email} on ${provider}`);
  return { client, tokens };
}

/** Signs up a new user on provider email and signs it in on a new client. */
async function newUser(tag) {
  const { email, password, user } = await signUp('email', tag);
  const { client, tokens } = await signIn('email', email, password);
  return { client, email, password, user, tokens };
}

// ------------------------------------------------------------------- Mailbox

/** How many messages the mailbox has handed out per address. */
const seen = new Map();

/** Waits for the next message to email (after those already read) and returns its code. */
async function nextCode(email) {
  const after = seen.get(email) ?? 0;
  const res = await fetch(`${MAILBOX}/code?to=${encodeURIComponent(email)}&after=${after}`);
  const body = await res.text();
  assert.equal(res.status, 200, `mailbox: no new code for ${email} (after ${after} messages): ${body}`);
  seen.set(email, Number(res.headers.get('x-mail-count')));
  return body;
}

/** How many messages have arrived for email so far. */
async function mailCount(email) {
  const res = await fetch(`${MAILBOX}/count?to=${encodeURIComponent(email)}`);
  assert.equal(res.status, 200, `mailbox /count: ${res.status}`);
  return Number(await res.text());
}

/** A code of the same shape that is surely wrong. */
function wrongCode(code) {
  return code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
}

// ------------------------------------------------------- Activation by code

test('AuthProvider.signUp with the shop template\'s form data (its email_notifications field) makes an active user', async () => {
  const email = uniqueEmail('template');
  const password = newPassword();
  const body = signUpBody(email, password, 'Template user');
  body.formData.push({ marker: 'email_notifications', type: 'string', value: email });
  const user = ok(await sdk().AuthProvider.signUp('email', body), 'signUp as the template sends it');
  assert.equal(user.isActive, true);
  assert.equal(user.identifier, email);
  await signIn('email', email, password);
});

test('AuthProvider.signUp on email_confirm: inactive and refused until activateUser with the mailed code', async () => {
  const email = uniqueEmail('confirm');
  const password = newPassword();
  const client = sdk();
  const got = ok(await client.AuthProvider.signUp('email_confirm', signUpBody(email, password, 'Grace Hopper')), 'signUp on email_confirm');
  assert.equal(typeof got.id, 'number');
  assert.equal(got.identifier, email);
  assert.equal(got.isActive, false, 'provider email_confirm has isCheckCode true, so the user starts inactive');
  assert.equal(got.notificationData.email, email);
  assert.deepEqual(got.formData, [{ marker: 'name_reg', type: 'string', value: 'Grace Hopper' }]);

  // Sign-up mailed the first code (systemCodeLength 6, digits).
  const code = await nextCode(email);
  assert.match(code, /^[0-9]{6}$/);

  // The right password is not enough before activation.
  failsWith(await client.AuthProvider.auth('email_confirm', credentials(email, password)), 403, 'auth before activation');
  failsWith(await client.Users.getUser(), 401, 'getUser after the refused auth (no tokens stored)');

  failsWith(await client.AuthProvider.activateUser('email_confirm', email, wrongCode(code)), 400, 'activateUser with a wrong code');
  failsWith(await client.AuthProvider.activateUser('email_confirm', uniqueEmail('nobody'), code), 400, 'activateUser for an unknown user');
  failsWith(await client.AuthProvider.activateUser('no-such-provider', email, code), 404, 'activateUser on an unknown provider');
  isTrue(await client.AuthProvider.activateUser('email_confirm', email, code), 'activateUser');
  failsWith(await client.AuthProvider.activateUser('email_confirm', email, code), 400, 'activateUser again (already active, code used up)');

  const tokens = ok(await client.AuthProvider.auth('email_confirm', credentials(email, password)), 'auth after activation');
  assert.equal(tokens.userIdentifier, email);
  assert.equal(tokens.authProviderIdentifier, 'email_confirm');
  const me = ok(await client.Users.getUser(), 'getUser after activation');
  assert.equal(me.id, got.id);
  assert.equal(me.identifier, email);
  assert.equal(me.authProviderIdentifier, 'email_confirm');

  // A code for another event is a second message to the same address.
  isTrue(await client.AuthProvider.generateCode('email_confirm', email, 'reset'), 'generateCode(reset) after activation');
  const reset = await nextCode(email);
  assert.match(reset, /^[0-9]{6}$/);
  isTrue(await client.AuthProvider.checkCode('email_confirm', email, 'reset', reset), 'checkCode(reset)');
  failsWith(await client.AuthProvider.checkCode('email_confirm', email, 'user_registration', code), 400, 'checkCode with the used activation code');
});

test('AuthProvider.activateUser: the 5th wrong code destroys the code (429)', async () => {
  const { email, password } = await signUp('email_confirm', 'activate-tries');
  const code = await nextCode(email);
  const client = sdk();
  for (let i = 1; i <= 4; i++) {
    failsWith(await client.AuthProvider.activateUser('email_confirm', email, wrongCode(code)), 400, `activateUser wrong code #${i}`);
  }
  failsWith(await client.AuthProvider.activateUser('email_confirm', email, wrongCode(code)), 429, 'activateUser wrong code #5');
  failsWith(await client.AuthProvider.activateUser('email_confirm', email, code), 400, 'activateUser with the destroyed code');
  failsWith(await client.AuthProvider.auth('email_confirm', credentials(email, password)), 403, 'auth (still inactive)');
});

// ------------------------------------------------------------ generate/check

test('AuthProvider.generateCode mails a code; checkCode is true and does not use it up; a wrong code is 400; resending within 30 s is 429', async () => {
  const { client, email } = await newUser('codes');
  assert.equal(await mailCount(email), 0, 'sign-up on provider email (no activation) mailed something');

  isTrue(await client.AuthProvider.generateCode('email', email, 'reset'), 'generateCode(reset)');
  const code = await nextCode(email);
  assert.match(code, /^[0-9]{6}$/);

  isTrue(await client.AuthProvider.checkCode('email', email, 'reset', code), 'checkCode');
  isTrue(await client.AuthProvider.checkCode('email', email, 'reset', code), 'checkCode again: the code is not used up');
  failsWith(await client.AuthProvider.checkCode('email', email, 'reset', wrongCode(code)), 400, 'checkCode with a wrong code');
  isTrue(await client.AuthProvider.checkCode('email', email, 'reset', code), 'checkCode after one wrong try');
  failsWith(await client.AuthProvider.checkCode('email', email, 'user_registration', code), 404, 'checkCode for an event the provider does not have');

  // A second code for the same user and event within 30 s is refused, and nothing is mailed.
  failsWith(await client.AuthProvider.generateCode('email', email, 'reset'), 429, 'generateCode again within 30 s');
  // The SDK hides headers: ask once more without it for Retry-After.
  const res = await fetch(`${URL}/api/content/users-auth-providers/marker/email/users/generate-code`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'x-app-token': TOKEN },
    body: JSON.stringify({ userIdentifier: email, eventIdentifier: 'reset' }),
  });
  assert.equal(res.status, 429);
  const retryAfter = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 30, `Retry-After ${res.headers.get('retry-after')}`);
  assert.equal(await mailCount(email), 1, 'a refused generateCode mailed a code');
  isTrue(await client.AuthProvider.checkCode('email', email, 'reset', code), 'checkCode: the refused resend kept the code');

  failsWith(await client.AuthProvider.generateCode('email', email, 'no-such-event'), 404, 'generateCode for an unknown event');
  failsWith(await client.AuthProvider.generateCode('email', email, ''), 400, 'generateCode without an event');
  failsWith(await client.AuthProvider.generateCode('no-such-provider', email, 'reset'), 404, 'generateCode on an unknown provider');

  // An unknown login gets the same answer as a real one, and no mail.
  const nobody = uniqueEmail('nobody');
  isTrue(await client.AuthProvider.generateCode('email', nobody, 'reset'), 'generateCode for an unknown user');
  assert.equal(await mailCount(nobody), 0, 'a code was mailed for an unknown user');
});

test('AuthProvider.checkCode: the 5th wrong code destroys the code (429)', async () => {
  const { client, email, password } = await newUser('check-tries');
  isTrue(await client.AuthProvider.generateCode('email', email, 'reset'), 'generateCode(reset)');
  const code = await nextCode(email);
  for (let i = 1; i <= 4; i++) {
    failsWith(await client.AuthProvider.checkCode('email', email, 'reset', wrongCode(code)), 400, `checkCode wrong code #${i}`);
  }
  failsWith(await client.AuthProvider.checkCode('email', email, 'reset', wrongCode(code)), 429, 'checkCode wrong code #5');
  failsWith(await client.AuthProvider.checkCode('email', email, 'reset', code), 400, 'checkCode with the destroyed code');
  failsWith(await client.AuthProvider.changePassword('email', email, 'reset', 2, code, newPassword()), 400, 'changePassword with the destroyed code');
  ok(await sdk().AuthProvider.auth('email', credentials(email, password)), 'auth with the unchanged password');
});

// ------------------------------------------------------------ changePassword

for (const type of [2, 1]) {
  test(`AuthProvider.changePassword (type ${type}) with a reset code: new password works, old one and every session are dead`, async () => {
    const { client, email, password, tokens } = await newUser(`chpw-${type}`);
    const other = await signIn('email', email, password);
    isTrue(await client.AuthProvider.generateCode('email', email, 'reset'), 'generateCode(reset)');
    const code = await nextCode(email);
    const changed = newPassword();

    const anon = sdk();
    failsWith(await anon.AuthProvider.changePassword('email', email, 'reset', type, code, changed, 'other-password'), 400, 'changePassword with differing passwords');
    failsWith(await anon.AuthProvider.changePassword('email', email, 'reset', 3, code, changed), 400, 'changePassword with type 3');
    failsWith(await anon.AuthProvider.changePassword('email', email, 'reset', type, wrongCode(code), changed), 400, 'changePassword with a wrong code');
    isTrue(await anon.AuthProvider.checkCode('email', email, 'reset', code), 'checkCode: the refused changes kept the code');

    isTrue(await anon.AuthProvider.changePassword('email', email, 'reset', type, code, changed), 'changePassword');
    failsWith(await anon.AuthProvider.changePassword('email', email, 'reset', type, code, newPassword()), 400, 'changePassword with the used code');
    failsWith(await anon.AuthProvider.checkCode('email', email, 'reset', code), 400, 'checkCode with the used code');

    failsWith(await sdk().AuthProvider.auth('email', credentials(email, password)), 401, 'auth with the old password');
    // Both clients still hold their tokens; the SDK's refresh on 401 fails
    // too, so the original 401 comes back.
    assert.equal(client.Users.state.accessToken, tokens.accessToken, 'the SDK dropped the old access token by itself');
    failsWith(await client.Users.getUser(), 401, 'getUser on the old client');
    failsWith(await other.client.Users.getUser(), 401, 'getUser on the second old client');
    failsWith(await sdk().AuthProvider.refresh('email', other.tokens.refreshToken), 400, 'refresh with an old refresh token');

    const fresh = await signIn('email', email, changed);
    assert.equal(ok(await fresh.client.Users.getUser(), 'getUser with the new password').identifier, email);
  });
}

// ------------------------------------------------------------------ Sessions

test('AuthProvider.getActiveSessionsByMarker lists one entry per device (SDK instance)', async () => {
  const a = await newUser('sessions');
  const b = await signIn('email', a.email, a.password);
  const fingerprintOf = (client) => JSON.parse(client.AuthProvider._getDeviceMetadata()).fingerprint;

  const got = ok(await a.client.AuthProvider.getActiveSessionsByMarker('email'), 'getActiveSessionsByMarker');
  assert.ok(Array.isArray(got), `got ${JSON.stringify(got)}, want an array`);
  assert.equal(got.length, 2, `sessions: ${JSON.stringify(got)}`);
  assert.deepEqual(got.map((s) => s.fingerprint).sort(), [fingerprintOf(a.client), fingerprintOf(b.client)].sort());
  for (const s of got) {
    assert.deepEqual(Object.keys(s).sort(), ['createdDate', 'deviceInfo', 'fingerprint', 'updatedDate']);
    assert.equal(s.deviceInfo.os, 'Node.js');
    assert.match(s.deviceInfo.browser, /^Node\.js\//);
    assert.equal(s.deviceInfo.location, 'en-US');
    assert.ok(!Number.isNaN(Date.parse(s.createdDate)), `createdDate ${s.createdDate}`);
    assert.ok(!Number.isNaN(Date.parse(s.updatedDate)), `updatedDate ${s.updatedDate}`);
    assert.ok(Date.parse(s.createdDate) <= Date.parse(s.updatedDate), `createdDate ${s.createdDate} after updatedDate ${s.updatedDate}`);
  }

  // Signing in again from the same device replaces its session: still two.
  ok(await a.client.AuthProvider.auth('email', credentials(a.email, a.password)), 'auth again on client a');
  const again = ok(await b.client.AuthProvider.getActiveSessionsByMarker('email'), 'getActiveSessionsByMarker after a second sign-in');
  assert.equal(again.length, 2, `sessions: ${JSON.stringify(again)}`);

  // A logged-out device drops out of the list.
  isTrue(await b.client.AuthProvider.logout('email', b.client.AuthProvider.state.refreshToken), 'logout b');
  const left = ok(await a.client.AuthProvider.getActiveSessionsByMarker('email'), 'getActiveSessionsByMarker after b logged out');
  assert.deepEqual(left.map((s) => s.fingerprint), [fingerprintOf(a.client)]);

  failsWith(await sdk().AuthProvider.getActiveSessionsByMarker('email'), 401, 'getActiveSessionsByMarker without a token');
});

test('AuthProvider.logoutAll closes every session of the user', async () => {
  const a = await newUser('logout-all');
  const b = await signIn('email', a.email, a.password);
  const stranger = await newUser('logout-all-other');

  isTrue(await a.client.AuthProvider.logoutAll('email'), 'logoutAll');
  assert.equal(a.client.AuthProvider.state.accessToken, undefined, 'the SDK kept the access token after logoutAll');
  assert.equal(a.client.AuthProvider.state.refreshToken, undefined, 'the SDK kept the refresh token after logoutAll');

  a.client.Users.setAccessToken(a.tokens.accessToken);
  failsWith(await a.client.Users.getUser(), 401, 'getUser with the access token of the device that logged out');
  failsWith(await b.client.Users.getUser(), 401, 'getUser on the other device');
  failsWith(await sdk().AuthProvider.refresh('email', b.tokens.refreshToken), 400, "refresh with the other device's refresh token");
  failsWith(await sdk().AuthProvider.logoutAll('email'), 401, 'logoutAll without a token');

  // Another user's session is untouched, and the user can sign in again.
  assert.equal(ok(await stranger.client.Users.getUser(), 'getUser of another user').identifier, stranger.email);
  const c = await signIn('email', a.email, a.password);
  const sessions = ok(await c.client.AuthProvider.getActiveSessionsByMarker('email'), 'getActiveSessionsByMarker after logoutAll');
  assert.equal(sessions.length, 1, `sessions: ${JSON.stringify(sessions)}`);
});

// --------------------------------------------------------------------- Users

test('Users.getUser and updateUser: formData and state round-trip', async () => {
  const { client, email, user } = await newUser('update');
  const before = ok(await client.Users.getUser(), 'getUser');
  assert.equal(before.id, user.id);
  assert.equal(before.identifier, email);
  assert.equal(before.formIdentifier, 'reg');
  assert.deepEqual(before.formData, [{ marker: 'name_reg', type: 'string', value: 'Name of update' }]);
  assert.deepEqual(before.state, {});

  const state = { cart: [{ productId: 14, quantity: 2 }], theme: 'dark', visits: 3 };
  isTrue(await client.Users.updateUser({
    formIdentifier: 'reg',
    formData: [{ marker: 'name_reg', type: 'string', value: 'Ada King' }],
    state,
  }), 'updateUser formData and state');
  const after = ok(await client.Users.getUser(), 'getUser after updateUser');
  assert.equal(after.id, user.id);
  assert.equal(after.identifier, email);
  assert.deepEqual(after.formData, [{ marker: 'name_reg', type: 'string', value: 'Ada King' }]);
  assert.deepEqual(after.state, state);

  // Only state: formData stays.
  isTrue(await client.Users.updateUser({ formIdentifier: 'reg', state: { theme: 'light' } }), 'updateUser state only');
  const third = ok(await client.Users.getUser(), 'getUser after the state-only update');
  assert.deepEqual(third.state, { theme: 'light' });
  assert.deepEqual(third.formData, [{ marker: 'name_reg', type: 'string', value: 'Ada King' }]);

  failsWith(await client.Users.updateUser({ formIdentifier: 'order', state: {} }), 400, 'updateUser with another form');
  failsWith(await client.Users.updateUser({ formIdentifier: 'reg', state: ['not', 'an', 'object'] }), 400, 'updateUser with an array as state');
  failsWith(await sdk().Users.updateUser({ formIdentifier: 'reg', state: {} }), 401, 'updateUser without a token');
  assert.deepEqual(ok(await client.Users.getUser(), 'getUser after refused updates').state, { theme: 'light' });
});

test('Users.updateUser with authData [password] changes the password and closes the other sessions', async () => {
  const a = await newUser('update-pw');
  const b = await signIn('email', a.email, a.password);
  const changed = newPassword();

  failsWith(await a.client.Users.updateUser({ formIdentifier: 'reg', authData: credentials(a.email, changed).authData }), 400, 'updateUser with login and password in authData');
  failsWith(await a.client.Users.updateUser({ formIdentifier: 'reg', authData: [{ marker: 'password_reg', value: '123' }] }), 400, 'updateUser with a too short password');
  ok(await b.client.Users.getUser(), 'getUser on b after the refused updates');

  isTrue(await a.client.Users.updateUser({ formIdentifier: 'reg', authData: [{ marker: 'password_reg', value: changed }] }), 'updateUser password');
  const me = ok(await a.client.Users.getUser(), 'getUser on the session that changed the password');
  assert.equal(me.identifier, a.email);
  assert.deepEqual(me.formData, [{ marker: 'name_reg', type: 'string', value: 'Name of update-pw' }], 'a password change touched formData');
  failsWith(await b.client.Users.getUser(), 401, 'getUser on the other session');

  failsWith(await sdk().AuthProvider.auth('email', credentials(a.email, a.password)), 401, 'auth with the old password');
  ok(await sdk().AuthProvider.auth('email', credentials(a.email, changed)), 'auth with the new password');
});

test('Users.archiveUser: sessions end, and signing in is 403 "User is archived"', async () => {
  const { client, email, password } = await newUser('archive');
  isTrue(await client.Users.archiveUser(), 'archiveUser');
  failsWith(await client.Users.getUser(), 401, 'getUser after archiveUser');
  const refused = failsWith(await sdk().AuthProvider.auth('email', credentials(email, password)), 403, 'auth after archiveUser');
  assert.equal(refused.message, 'User is archived');
  failsWith(await sdk().Users.archiveUser(), 401, 'archiveUser without a token');
});

test('Users.deleteUser: sessions end, signing in is 401, and the email can sign up again', async () => {
  const { client, email, password, user } = await newUser('delete');
  isTrue(await client.Users.deleteUser(), 'deleteUser');
  failsWith(await client.Users.getUser(), 401, 'getUser after deleteUser');
  failsWith(await sdk().AuthProvider.auth('email', credentials(email, password)), 401, 'auth after deleteUser');
  failsWith(await sdk().Users.deleteUser(), 401, 'deleteUser without a token');

  const again = newPassword();
  const back = ok(await sdk().AuthProvider.signUp('email', signUpBody(email, again, 'Back again')), 'signUp with the freed email');
  assert.equal(back.identifier, email);
  assert.notEqual(back.id, user.id, 'the new account reuses the deleted id');
  failsWith(await sdk().AuthProvider.auth('email', credentials(email, password)), 401, "auth with the deleted account's password");
  const { client: fresh } = await signIn('email', email, again);
  const me = ok(await fresh.Users.getUser(), 'getUser of the new account');
  assert.equal(me.id, back.id);
  assert.deepEqual(me.formData, [{ marker: 'name_reg', type: 'string', value: 'Back again' }]);
  assert.deepEqual(me.state, {});
});

test('Users.addFCMToken and deleteFCMToken answer true', async () => {
  const { client } = await newUser('fcm');
  isTrue(await client.Users.addFCMToken('fcm-token-1234567890'), 'addFCMToken');
  isTrue(await client.Users.deleteFCMToken('fcm-token-1234567890'), 'deleteFCMToken');
});

// ------------------------------------------------------------ Login limits

test('AuthProvider.auth: after 10 failed logins the account is locked (429), even for the right password', async () => {
  const { email, password } = await signUp('email', 'locked');
  const client = sdk();
  for (let i = 1; i <= 10; i++) {
    failsWith(await client.AuthProvider.auth('email', credentials(email, `wrong-${i}`)), 401, `auth wrong password #${i}`);
  }
  failsWith(await client.AuthProvider.auth('email', credentials(email, password)), 429, 'auth with the right password after 10 failures');
  // Another account is not affected.
  const other = await signUp('email', 'not-locked');
  ok(await sdk().AuthProvider.auth('email', credentials(other.email, other.password)), 'auth of another account');
});

// --------------------------------------------------------- Automatic refresh

test('the SDK refreshes an expired access token on 401 (through marker email) and retries', async () => {
  const { email, password } = await signUp('email_short', 'expiry');
  const saved = [];
  const { client, tokens } = await signIn('email_short', email, password, { auth: { saveFunction: (rt) => saved.push(rt) } });
  assert.equal(tokens.authProviderIdentifier, 'email_short');
  assert.deepEqual(saved, [tokens.refreshToken], 'auth did not hand its refresh token to saveFunction');
  assert.equal(ok(await client.Users.getUser(), 'getUser with a fresh token').identifier, email);

  await sleep(2500); // accessTokenTtlSec is 2

  // The old access token is dead now: on a client without a refresh token
  // the 401 comes back.
  const probe = sdk();
  probe.Users.setAccessToken(tokens.accessToken);
  failsWith(await probe.Users.getUser(), 401, 'getUser with the expired access token and no refresh token');

  // Record what the SDK sends, to see the refresh go through marker email.
  const calls = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (url, options) => {
    calls.push(`${options?.method ?? 'GET'} ${new globalThis.URL(String(url)).pathname}`);
    return realFetch(url, options);
  };
  let me;
  try {
    me = await client.Users.getUser();
  } finally {
    globalThis.fetch = realFetch;
  }
  ok(me, 'getUser after the access token expired');
  assert.equal(me.identifier, email);
  assert.equal(me.authProviderIdentifier, 'email_short');
  assert.deepEqual(calls, [
    'GET /api/content/users/me',
    'POST /api/content/users-auth-providers/marker/email/users/refresh',
    'GET /api/content/users/me',
  ]);

  const state = client.Users.state;
  assert.equal(typeof state.accessToken, 'string');
  assert.notEqual(state.accessToken, tokens.accessToken, 'the SDK still holds the expired access token');
  assert.notEqual(state.refreshToken, tokens.refreshToken, 'the refresh token was not rotated');
  assert.deepEqual(saved, [tokens.refreshToken, state.refreshToken], 'saveFunction did not get the rotated refresh token');

  // The new pair belongs to email_short. The spent refresh token, presented
  // again within the reuse window, gets that same pair, never a new one.
  ok(await client.Users.getUser(), 'getUser with the refreshed token');
  const replay = ok(await sdk().AuthProvider.refresh('email_short', tokens.refreshToken), 'refresh with the spent refresh token');
  assert.equal(replay.refreshToken, state.refreshToken, 'the spent token yielded another pair than its rotation made');
});
