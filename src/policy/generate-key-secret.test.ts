import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayPrefix, generateKeySecret } from './generate-key-secret.ts';

test('secrets are sk-sy- plus 32 base62 characters, and differ', () => {
  const secrets = Array.from({ length: 200 }, generateKeySecret);
  for (const secret of secrets) assert.match(secret, /^sk-sy-[0-9A-Za-z]{32}$/);
  assert.equal(new Set(secrets).size, secrets.length);
  // Every base62 character shows up across 6400 draws (a biased or truncated alphabet would not).
  assert.equal(new Set(secrets.join('').replaceAll('sk-sy-', '')).size, 62);
});

test('the display prefix is the first 12 characters', () => {
  assert.equal(displayPrefix('sk-sy-abcdefGHIJKL0123456789abcdefgh'), 'sk-sy-abcdef');
});
