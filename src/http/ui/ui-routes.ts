import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { GatewayError, isGatewayError } from '../../core/errors.ts';
import { hashKey, hashesEqual } from '../../core/hash-key.ts';
import { log } from '../../core/log.ts';
import { openaiResponsesCodec } from '../../dialects/openai-responses/index.ts';
import { parseJsonBody, readBody, sendJson } from '../../pipeline/client-io.ts';
import type { Gateway } from '../../pipeline/gateway.ts';
import { handleAdminRequest } from '../admin/admin-routes.ts';
import { handleObservabilityAdmin } from '../admin/observability-routes.ts';
import { budgetsData, logDetail, logQueryOf, logsData, overviewData, providersData } from './ui-data.ts';
import { streamLogs } from './ui-live-logs.ts';
import { UiOidc, type OidcPending } from './ui-oidc.ts';
import { cookieHeader, overTls, readCookie, sessionCookie, UiSessions, type UiSession } from './ui-session.ts';
import { serveUiFile, uiSecurityHeaders } from './ui-static.ts';

/** The dashboard's process-wide state: its sessions and its OIDC client, one per gateway. */
interface UiState {
  sessions: UiSessions;
  oidc: UiOidc;
}

const states = new WeakMap<Gateway, UiState>();
const oidcCookie = 'switchyard_oidc';

function stateOf(gateway: Gateway): UiState {
  let state = states.get(gateway);
  if (!state) {
    state = { sessions: new UiSessions(() => gateway.current.config.server.masterKey?.reveal()), oidc: new UiOidc() };
    states.set(gateway, state);
  }
  return state;
}

/**
 * Everything under `/ui` (docs/decisions/0010): the built pages, sign-in (master key or OIDC),
 * and `/ui/api/*`, the JSON the pages read, behind the session cookie and, for every
 * state-changing call, the CSRF token. Answers false for other paths.
 */
export async function handleUiRequest(gateway: Gateway, request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname;
  if (path !== '/ui' && !path.startsWith('/ui/')) return false;
  const config = gateway.current.config;
  if (!config.ui.enabled) return false;
  if (!response.hasHeader('x-request-id')) response.setHeader('x-request-id', `req_${randomBytes(12).toString('hex')}`);
  const method = request.method ?? 'GET';
  try {
    if (path === '/ui/api/session') return done(await session(gateway, request, response, method));
    if (path === '/ui/auth/oidc' && method === 'GET') return done(await oidcStart(gateway, request, response));
    if (path === '/ui/auth/callback' && method === 'GET')
      return done(await oidcCallback(gateway, request, response, url).catch((error) => signInFailedPage(response, error)));
    if (path.startsWith('/ui/api/')) return done(await api(gateway, request, response, url, method));
    if (method !== 'GET' && method !== 'HEAD')
      throw new GatewayError({ code: 'caller_invalid_request', status: 405, message: 'The dashboard pages only answer GET.' });
    await serveUiFile(path === '/ui' ? '/ui/' : path, response);
  } catch (error) {
    sendUiError(response, error);
  }
  return true;
}

/** `GET` who is signed in (and the CSRF token), `POST {master_key}` signs in, `DELETE` signs out. */
async function session(gateway: Gateway, request: IncomingMessage, response: ServerResponse, method: string): Promise<void> {
  const { sessions } = stateOf(gateway);
  const config = gateway.current.config;
  noStore(response);
  if (method === 'GET') {
    const current = sessions.read(request);
    if (!current)
      return sendJson(response, 401, {
        error: { message: 'Not signed in.', type: 'authentication_error', code: 'not_signed_in' },
        oidc: Boolean(config.ui.oidc),
      });
    return sendJson(response, 200, { ...sessionView(sessions, current, Boolean(config.ui.oidc)), attributes: Object.keys(config.attribution.headers) });
  }
  if (method === 'POST') {
    checkSameOrigin(request);
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
      throw new GatewayError({ code: 'caller_invalid_request', status: 415, message: 'Sign in with a JSON body: {"master_key": "…"}.' });
    }
    const body = parseJsonBody(await readBody(request, 16 * 1024)) as { master_key?: unknown };
    const masterKey = config.server.masterKey?.reveal();
    if (!masterKey)
      throw new GatewayError({ code: 'policy_forbidden', message: 'The dashboard needs server.master_key in the config (it signs the sessions).' });
    if (typeof body?.master_key !== 'string' || !hashesEqual(hashKey(body.master_key), hashKey(masterKey))) {
      // A wrong guess costs the guesser time.
      await new Promise((resolve) => setTimeout(resolve, 250));
      throw new GatewayError({ code: 'policy_invalid_api_key', message: 'Incorrect master key.' });
    }
    const issued = sessions.issue('admin', 'master key', config.ui.sessionTtlMs)!;
    response.setHeader(
      'set-cookie',
      cookieHeader(sessionCookie, issued.value, { maxAgeSeconds: config.ui.sessionTtlMs / 1000, secure: overTls(request), sameSite: 'Strict' }),
    );
    return sendJson(response, 200, { ...sessionView(sessions, issued.session, Boolean(config.ui.oidc)), attributes: Object.keys(config.attribution.headers) });
  }
  if (method === 'DELETE') {
    const current = requireSession(sessions, request, true);
    sessions.end(current);
    response.setHeader('set-cookie', cookieHeader(sessionCookie, '', { maxAgeSeconds: 0, secure: overTls(request), sameSite: 'Strict' }));
    return sendJson(response, 200, { signed_out: true });
  }
  response.setHeader('allow', 'GET, POST, DELETE');
  throw new GatewayError({ code: 'caller_invalid_request', status: 405, message: 'Use GET, POST or DELETE.' });
}

async function oidcStart(gateway: Gateway, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { sessions, oidc } = stateOf(gateway);
  const config = gateway.current.config;
  if (!config.ui.oidc) throw new GatewayError({ code: 'caller_invalid_request', status: 404, message: 'Single sign-on is not configured (ui.oidc).' });
  const redirectUri = config.ui.oidc.redirectUrl ?? `${originOf(request)}/ui/auth/callback`;
  const { url, pending } = await oidc.start(config.ui.oidc, redirectUri);
  const sealed = sessions.seal(JSON.stringify(pending));
  if (!sealed) throw new GatewayError({ code: 'policy_forbidden', message: 'The dashboard needs server.master_key in the config (it signs the sessions).' });
  // Lax: this cookie must come back on the provider's redirect, a cross-site navigation.
  response.writeHead(302, {
    location: url,
    'set-cookie': cookieHeader(oidcCookie, sealed, { maxAgeSeconds: 600, secure: overTls(request), sameSite: 'Lax' }),
    'cache-control': 'no-store',
    ...uiSecurityHeaders,
  });
  response.end();
}

async function oidcCallback(gateway: Gateway, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const { sessions, oidc } = stateOf(gateway);
  const config = gateway.current.config;
  if (!config.ui.oidc) throw new GatewayError({ code: 'caller_invalid_request', status: 404, message: 'Single sign-on is not configured (ui.oidc).' });
  const unsealed = sessions.unseal(readCookie(request.headers.cookie, oidcCookie));
  if (!unsealed)
    throw new GatewayError({
      code: 'policy_forbidden',
      message: 'Single sign-on: the sign-in took too long or was started elsewhere; start again from the sign-in page.',
    });
  const pending = JSON.parse(unsealed) as OidcPending;
  const callback = new URL(`${pending.redirectUri}${url.search}`);
  const { email, role } = await oidc.finish(config.ui.oidc, callback, pending);
  const issued = sessions.issue(role, email, config.ui.sessionTtlMs)!;
  const secure = overTls(request);
  // A page, not a redirect: a SameSite=Strict cookie set during a cross-site navigation is only
  // sent once the browser moves on from a page of this site.
  const body =
    '<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/ui/"><title>Signed in</title><a href="/ui/">Continue to the dashboard</a>';
  response.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'set-cookie': [
      cookieHeader(sessionCookie, issued.value, { maxAgeSeconds: config.ui.sessionTtlMs / 1000, secure, sameSite: 'Strict' }),
      cookieHeader(oidcCookie, '', { maxAgeSeconds: 0, secure, sameSite: 'Lax' }),
    ],
    ...uiSecurityHeaders,
  });
  response.end(body);
}

/** A browser that comes back from the identity provider gets a page, not JSON: what went wrong and the way back. */
function signInFailedPage(response: ServerResponse, error: unknown): void {
  if (!isGatewayError(error)) throw error;
  const message = error.message.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
  const body = `<!doctype html><meta charset="utf-8"><title>Sign-in failed</title><h1>Sign-in failed</h1><p id="reason">${message}</p><p><a href="/ui/">Back to the sign-in page</a></p>`;
  response.writeHead(error.status === 403 ? 403 : error.status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    ...uiSecurityHeaders,
  });
  response.end(body);
}

/** `/ui/api/*` behind the session: viewers read logs, spend, budgets, overview and providers; keys are for admins. */
async function api(gateway: Gateway, request: IncomingMessage, response: ServerResponse, url: URL, method: string): Promise<void> {
  const { sessions } = stateOf(gateway);
  const changes = method !== 'GET' && method !== 'HEAD';
  const current = requireSession(sessions, request, changes);
  const runtime = gateway.current;
  const storage = gateway.storage;
  const rest = url.pathname.slice('/ui/api/'.length);
  noStore(response);
  const allowed = () => undefined;
  if (rest === 'keys' || rest.startsWith('keys/')) {
    if (current.role !== 'admin')
      throw new GatewayError({ code: 'policy_forbidden', message: 'Keys are for dashboard admins; you are signed in as a viewer.' });
    const adminUrl = new URL(`/admin/${rest}${url.search}`, url);
    await handleAdminRequest({ config: runtime.config, keys: storage.keys, directory: runtime.keys, authorize: allowed }, request, response, adminUrl);
    return;
  }
  if (changes) throw new GatewayError({ code: 'caller_invalid_request', status: 405, message: `${url.pathname} only answers GET.` });
  if (rest === 'spend' || rest === 'experiments') {
    const context = {
      logs: storage.logs,
      spend: storage.spend,
      authorize: allowed,
      attributes: Object.keys(runtime.config.attribution.headers),
      models: runtime.config.models,
    };
    await handleObservabilityAdmin(context, request, response, new URL(`/admin/${rest}${url.search}`, url));
    return;
  }
  if (rest === 'budgets') return sendJson(response, 200, { data: await budgetsData(storage, runtime.config) });
  if (rest === 'overview') return sendJson(response, 200, await overviewData(storage, runtime.config, url.searchParams.get('range') ?? '24h'));
  if (rest === 'providers') return sendJson(response, 200, await providersData(storage, runtime.config, runtime.router));
  if (rest === 'logs')
    return sendJson(response, 200, { data: await logsData(storage, logQueryOf(url.searchParams)), bodies_logged: runtime.config.logging.bodies });
  if (rest === 'logs/stream') return streamLogs(storage, logQueryOf(url.searchParams), request, response);
  if (rest.startsWith('logs/')) {
    let id: string;
    try {
      id = decodeURIComponent(rest.slice('logs/'.length));
    } catch {
      throw new GatewayError({ code: 'caller_invalid_request', message: 'The request id in the path is not valid URL encoding.' });
    }
    const row = await logDetail(storage, id, current.role === 'admin');
    if (!row) throw new GatewayError({ code: 'caller_invalid_request', status: 404, message: `No request ${id} in the log.` });
    return sendJson(response, 200, row);
  }
  throw new GatewayError({ code: 'caller_invalid_request', status: 404, message: `No dashboard API at ${url.pathname}.` });
}

function requireSession(sessions: UiSessions, request: IncomingMessage, changes: boolean): UiSession {
  const current = sessions.read(request);
  if (!current)
    throw new GatewayError({ code: 'policy_invalid_api_key', message: 'Not signed in to the dashboard (or the session ended): sign in again at /ui/.' });
  if (changes) {
    checkSameOrigin(request);
    const token = request.headers['x-csrf-token'];
    if (!sessions.checkCsrf(current, typeof token === 'string' ? token : undefined)) {
      throw new GatewayError({ code: 'policy_forbidden', message: 'Missing or wrong x-csrf-token: reload the dashboard page.' });
    }
  }
  return current;
}

/** A browser names the page that sent a call; one from another site is refused. */
function checkSameOrigin(request: IncomingMessage): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  if (origin !== originOf(request)) throw new GatewayError({ code: 'policy_forbidden', message: 'Cross-site call refused.' });
}

function originOf(request: IncomingMessage): string {
  return `${overTls(request) ? 'https' : 'http'}://${request.headers.host ?? 'localhost'}`;
}

function sessionView(sessions: UiSessions, session: UiSession, oidc: boolean): Record<string, unknown> {
  return { role: session.role, user: session.user, csrf_token: sessions.csrfToken(session), expires_at: new Date(session.expiresAt).toISOString(), oidc };
}

function noStore(response: ServerResponse): void {
  response.setHeader('cache-control', 'no-store');
  for (const [name, value] of Object.entries(uiSecurityHeaders)) response.setHeader(name, value);
}

function done(_sent: void): true {
  return true;
}

function sendUiError(response: ServerResponse, error: unknown): void {
  if (response.headersSent) return void response.end();
  if (isGatewayError(error)) {
    const encoded = openaiResponsesCodec.encodeError(error.toShape());
    return sendJson(response, encoded.status, encoded.body, { ...encoded.headers, ...uiSecurityHeaders, 'cache-control': 'no-store' });
  }
  log.error('dashboard error', error);
  sendJson(response, 500, { error: { message: 'Internal gateway error.', type: 'server_error', code: 'server_error', param: null } }, uiSecurityHeaders);
}
