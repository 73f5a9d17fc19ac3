import { randomBytes } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** The largest multiple of 62 below 256: bytes at or above it are dropped so every character is equally likely. */
const unbiasedBelow = 248;
const randomLength = 32;
const prefixLength = 12;

/** A new client secret: `sk-sy-` + 32 random base62 characters (about 190 bits). */
export function generateKeySecret(): string {
  let out = '';
  while (out.length < randomLength) {
    for (const byte of randomBytes(48)) {
      if (byte >= unbiasedBelow) continue;
      out += alphabet[byte % 62];
      if (out.length === randomLength) break;
    }
  }
  return `sk-sy-${out}`;
}

/**
 * The part of a secret shown in listings (`sk-sy-abcdef`): enough to tell keys apart, while
 * the 26 characters kept back still carry ~155 bits.
 */
export function displayPrefix(secret: string): string {
  return secret.slice(0, prefixLength);
}
