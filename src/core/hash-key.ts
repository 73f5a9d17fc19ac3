import { hash, timingSafeEqual } from 'node:crypto';

/**
 * Client keys are stored as sha256 hex. Keys are high-entropy random strings, so a fast hash
 * is enough (no dictionary to attack); the secret itself is never kept.
 */
export function hashKey(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** Constant-time comparison of two hex hashes of equal length. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
