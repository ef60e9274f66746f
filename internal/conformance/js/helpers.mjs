// Helpers shared by the official-SDK conformance scripts (methods.mjs,
// users.mjs, payments.mjs). With the default config (errors.isShell) the SDK
// returns error bodies instead of throwing them, so every success check goes
// through ok() and every error check through failsWith().
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import { defineOneEntry } from 'oneentry';

export const URL = process.env.OPENENTRY_URL;
export const TOKEN = process.env.OPENENTRY_APP_TOKEN;
if (!URL || !TOKEN) {
  throw new Error('set OPENENTRY_URL and OPENENTRY_APP_TOKEN');
}

export const VALIDATION = { enabled: true, strictMode: true, logErrors: false };

/** A new SDK client; extra is merged into the config. */
export function sdk(extra = {}) {
  return defineOneEntry(URL, { token: TOKEN, validation: VALIDATION, ...extra });
}

/** Asserts that an SDK result is data, not an error object, and returns it. */
export function ok(result, what) {
  assert.ok(result !== null && result !== undefined, `${what}: got ${result}`);
  if (result instanceof Error) {
    assert.fail(`${what}: SDK returned ${result.name}: ${result.message}`);
  }
  if (typeof result === 'object' && 'statusCode' in result) {
    const detail = result.localizeMessage ? ` [zod: ${result.localizeMessage}]` : '';
    assert.fail(`${what}: got error ${result.statusCode} ${JSON.stringify(result.message)}${detail}`);
  }
  return result;
}

/** Asserts that an SDK result is an error object with the given status. */
export function failsWith(result, status, what) {
  assert.ok(result !== null && typeof result === 'object' && !Array.isArray(result),
    `${what}: got ${JSON.stringify(result)}, want an error object`);
  assert.equal(result.statusCode, status,
    `${what}: got ${JSON.stringify(result)}, want statusCode ${status}`);
  assert.equal(typeof result.message, 'string', `${what}: message is not a string: ${JSON.stringify(result)}`);
  return result;
}

export function uniqueEmail(tag) {
  return `${tag}-${randomUUID()}@example.test`;
}

export function credentials(email, password) {
  return {
    authData: [
      { marker: 'email_reg', value: email },
      { marker: 'password_reg', value: password },
    ],
  };
}
