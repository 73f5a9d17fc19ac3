import type { IncomingMessage } from 'node:http';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type UiRole = 'admin' | 'viewer';

/** A signed-in dashboard user: the master key (admin) or an OIDC account (admin or viewer). */
export interface UiSession {
  id: string;
  role: UiRole;
  /** `master key` or the account's e-mail address. */
  user: string;
  /** Epoch ms. */
  expiresAt: number;
}

export const sessionCookie = 'switchyard_session';

/**
 * Dashboard sessions as signed cookies (HMAC-SHA256 under a key derived from the master key), so
 * every instance behind a load balancer accepts them, a restart keeps them, and changing the
 * master key ends them all. Signing out is remembered by this instance until the session would
 * have expired anyway. The CSRF token is derived from the session id: the page reads it from
 * `GET /ui/api/session` and sends it as `x-csrf-token` on every state-changing call.
 */
export class UiSessions {
  /** Signed-out session ids → when they would have expired. */
  private readonly ended = new Map<string, number>();

  constructor(private readonly masterKey: () => string | undefined) {}

  /** The cookie value of a new session, or undefined when no master key is configured. */
  issue(role: UiRole, user: string, ttlMs: number, now = Date.now()): { value: string; session: UiSession } | undefined {
    const key = this.key();
    if (!key) return undefined;
    const session: UiSession = { id: randomBytes(16).toString('base64url'), role, user, expiresAt: now + ttlMs };
    const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
    return { value: `${payload}.${sign(key, `session.${payload}`)}`, session };
  }

  /** The session a request carries, if its signature holds, it has not expired and was not signed out. */
  read(request: IncomingMessage, now = Date.now()): UiSession | undefined {
    const key = this.key();
    const value = readCookie(request.headers.cookie, sessionCookie);
    if (!key || !value) return undefined;
    const [payload, signature, extra] = value.split('.');
    if (!payload || !signature || extra !== undefined || !equal(signature, sign(key, `session.${payload}`))) return undefined;
    let session: UiSession;
    try {
      session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as UiSession;
    } catch {
      return undefined;
    }
    if (typeof session.expiresAt !== 'number' || session.expiresAt <= now || this.ended.has(session.id)) return undefined;
    if (session.role !== 'admin' && session.role !== 'viewer') return undefined;
    return session;
  }

  csrfToken(session: UiSession): string {
    return sign(this.key() ?? '', `csrf.${session.id}`);
  }

  checkCsrf(session: UiSession, presented: string | undefined): boolean {
    return typeof presented === 'string' && equal(presented, this.csrfToken(session));
  }

  end(session: UiSession, now = Date.now()): void {
    for (const [id, expiresAt] of this.ended) if (expiresAt <= now) this.ended.delete(id);
    this.ended.set(session.id, session.expiresAt);
  }

  /** Signs a short-lived value (the OIDC state cookie) with the same key. */
  seal(value: string): string | undefined {
    const key = this.key();
    if (!key) return undefined;
    const payload = Buffer.from(value).toString('base64url');
    return `${payload}.${sign(key, `seal.${payload}`)}`;
  }

  unseal(sealed: string | undefined): string | undefined {
    const key = this.key();
    if (!key || !sealed) return undefined;
    const [payload, signature] = sealed.split('.');
    if (!payload || !signature || !equal(signature, sign(key, `seal.${payload}`))) return undefined;
    return Buffer.from(payload, 'base64url').toString('utf8');
  }

  private key(): string | undefined {
    const masterKey = this.masterKey();
    return masterKey ? createHmac('sha256', masterKey).update('switchyard dashboard session v1').digest('base64url') : undefined;
  }
}

/** A `Set-Cookie` value: HttpOnly, Path=/ui, Secure when the page came over TLS. */
export function cookieHeader(name: string, value: string, options: { maxAgeSeconds: number; secure: boolean; sameSite: 'Strict' | 'Lax' }): string {
  return [`${name}=${value}`, 'Path=/ui', `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`, 'HttpOnly', `SameSite=${options.sameSite}`]
    .concat(options.secure ? ['Secure'] : [])
    .join('; ');
}

/** Whether the browser reached the gateway over TLS (directly, or through a proxy that says so). */
export function overTls(request: IncomingMessage): boolean {
  if ((request.socket as { encrypted?: boolean }).encrypted) return true;
  const forwarded = request.headers['x-forwarded-proto'];
  return typeof forwarded === 'string' && forwarded.split(',')[0]!.trim().toLowerCase() === 'https';
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

function sign(key: string, value: string): string {
  return createHmac('sha256', key).update(value).digest('base64url');
}

function equal(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
