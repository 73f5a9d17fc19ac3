import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The gateway's own envelope for provider secrets that travel through a client of another
 * dialect (in a Responses `encrypted_content`, an Anthropic thinking `signature`, a Gemini
 * `thoughtSignature`, a Chat tool-call id): `sy1.` + base64url(JSON) + `.` + a 128-bit
 * HMAC-SHA256 tag over everything before it. Only this gateway (or one sharing its secret)
 * recognises an envelope: a string with a wrong or missing tag is not one, so a client cannot
 * make the gateway send a provider a secret it did not issue.
 *
 * The secret is `SWITCHYARD_ENVELOPE_SECRET` (set the same value on every instance behind one
 * address, and keep it across restarts), else random per process: an envelope from before a
 * restart is then not recognised and its reasoning is dropped, never forwarded.
 */
export const SEAL_PREFIX = 'sy1.';
const TAG_BYTES = 16;

let secret: Buffer | undefined;

function key(): Buffer {
  if (secret === undefined) {
    const configured = process.env.SWITCHYARD_ENVELOPE_SECRET;
    secret = configured !== undefined && configured !== '' ? Buffer.from(configured, 'utf8') : randomBytes(32);
  }
  return secret;
}

/** Replaces the secret (tests; a process that takes it from elsewhere than the environment). */
export function setEnvelopeSecret(value: string | Buffer): void {
  secret = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function tagOf(body: string): Buffer {
  return createHmac('sha256', key()).update(body).digest().subarray(0, TAG_BYTES);
}

/** Whether the string claims to be an envelope (prefix only: never forward one, valid or not). */
export function looksSealed(value: string): boolean {
  return value.startsWith(SEAL_PREFIX);
}

export function seal(payload: unknown): string {
  const body = SEAL_PREFIX + Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${tagOf(body).toString('base64url')}`;
}

/** The payload of an envelope this gateway sealed, or undefined (never throws). */
export function unseal(value: string): unknown {
  if (!looksSealed(value)) return undefined;
  const dot = value.lastIndexOf('.');
  if (dot <= SEAL_PREFIX.length - 1) return undefined;
  const body = value.slice(0, dot);
  const tag = Buffer.from(value.slice(dot + 1), 'base64url');
  if (tag.length !== TAG_BYTES || !timingSafeEqual(tag, tagOf(body))) return undefined;
  try {
    return JSON.parse(Buffer.from(body.slice(SEAL_PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
