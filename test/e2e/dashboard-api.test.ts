// The dashboard's server side without a browser: sessions, CSRF, roles, the CSP and
// GET /admin/budgets (which the CLI uses too).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { UiSessions } from '../../src/http/ui/ui-session.ts';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { ensureUiBuild } from '../support/ui/ensure-ui-build.ts';

const masterKey = 'sk-master-dashboard-api';
let emulator: ResponsesEmulator;
let gateway: TestGateway;

before(async () => {
  ensureUiBuild();
  emulator = await startResponsesEmulator({ respond: () => ({ text: 'ok', usage: { input: 10, output: 2000 } }) });
  gateway = await startTestGateway(`
server: { master_key: ${masterKey} }
providers:
  oai: { type: openai, base_url: "${emulator.url}", api_key: sk-upstream-test }
models:
  coder: { provider: oai, model: gpt-5.5, pricing: { input: 0, output: 100 } }
keys:
  - { name: alice, key: sk-alice-dash-api-01, team: platform, budget: { limit_usd: 1, window: day, warn_at: 0.5 } }
budgets:
  - { scope: team, name: platform, limit_usd: 10, window: month }
  - { scope: tag, name: nightly, limit_usd: 3, window: total, mode: soft }
`);
  await new OpenAI({ apiKey: 'sk-alice-dash-api-01', baseURL: `${gateway.url}/v1`, maxRetries: 0 }).responses.create({
    model: 'coder',
    input: 'hi',
    max_output_tokens: 3000,
  });
});

after(async () => {
  await gateway.close();
  await emulator.close();
});

async function signIn(): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`${gateway.url}/ui/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ master_key: masterKey }),
  });
  assert.equal(response.status, 200);
  const body = (await response.json()) as { csrf_token: string };
  return { cookie: response.headers.get('set-cookie')!.split(';')[0]!, csrf: body.csrf_token };
}

test('GET /admin/budgets: every budget with window, use against cap, warn line and reset, fullest first; master key only', async () => {
  assert.equal((await fetch(`${gateway.url}/admin/budgets`)).status, 401);
  assert.equal((await fetch(`${gateway.url}/admin/budgets?scope=key`, { headers: { authorization: `Bearer ${masterKey}` } })).status, 400);
  const response = await fetch(`${gateway.url}/admin/budgets`, { headers: { authorization: `Bearer ${masterKey}` } });
  assert.equal(response.status, 200);
  const { data } = (await response.json()) as { data: Array<Record<string, unknown>> };
  assert.deepEqual(
    data.map((row) => [row.scope, row.subject, row.window, row.spent_usd, row.limit_usd, row.used_ratio, row.warn_usd, row.status]),
    [
      ['key', 'alice', 'day', 0.2, 1, 0.2, 0.5, 'ok'],
      ['team', 'platform', 'month', 0.2, 10, 0.02, 8, 'ok'],
      ['tag', 'nightly', 'total', 0, 3, 0, 2.4, 'ok'],
    ],
  );
  const [key] = data;
  assert.match(String(key?.resets_at), /^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
  assert.equal(data[2]?.resets_at, null, 'a total budget never resets');
});

test('every /ui answer carries the strict CSP; hashed assets are cached for a year, the page never', async () => {
  const page = await fetch(`${gateway.url}/ui/logs`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', /^default-src 'self'; script-src 'self'; style-src 'self';/);
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  assert.equal(page.headers.get('x-frame-options'), 'DENY');
  const html = await page.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  const asset = /src="(\/ui\/assets\/[^"]+)"/.exec(html)![1]!;
  const script = await fetch(`${gateway.url}${asset}`);
  assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal((await fetch(`${gateway.url}/ui/assets/..%2f..%2fpackage.json`)).status, 404);
  const api = await fetch(`${gateway.url}/ui/api/overview`);
  assert.equal(api.status, 401);
  assert.match(api.headers.get('content-security-policy') ?? '', /default-src 'self'/);
});

test('the session cookie is Secure when the page came over TLS (here: through a proxy that says so)', async () => {
  const response = await fetch(`${gateway.url}/ui/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
    body: JSON.stringify({ master_key: masterKey }),
  });
  assert.match(response.headers.get('set-cookie') ?? '', /; HttpOnly; SameSite=Strict; Secure$/);
});

test('sessions: a wrong master key is refused; a forged or tampered cookie is no session; sign-out ends it', async () => {
  const wrong = await fetch(`${gateway.url}/ui/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"master_key":"not-the-key"}',
  });
  assert.equal(wrong.status, 401);
  // A form post (what a cross-site page can send without CORS) is not a sign-in.
  const form = await fetch(`${gateway.url}/ui/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `master_key=${masterKey}`,
  });
  assert.equal(form.status, 415);
  const { cookie, csrf } = await signIn();
  assert.equal((await fetch(`${gateway.url}/ui/api/overview?range=1h`, { headers: { cookie } })).status, 200);
  const [payload, signature] = cookie.split('=')[1]!.split('.');
  const session = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
  const tampered = `switchyard_session=${Buffer.from(JSON.stringify({ ...session, expiresAt: Date.now() + 1e12 })).toString('base64url')}.${signature}`;
  assert.equal((await fetch(`${gateway.url}/ui/api/overview`, { headers: { cookie: tampered } })).status, 401);
  // Signed with another master key: no session here.
  const foreign = new UiSessions(() => 'some-other-master-key').issue('admin', 'x', 60_000)!;
  assert.equal((await fetch(`${gateway.url}/ui/api/overview`, { headers: { cookie: `switchyard_session=${foreign.value}` } })).status, 401);
  const out = await fetch(`${gateway.url}/ui/api/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrf } });
  assert.equal(out.status, 200);
  assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
  assert.equal((await fetch(`${gateway.url}/ui/api/overview`, { headers: { cookie } })).status, 401, 'signed out on the server too');
});

test('CSRF: a state-changing call needs the session token, and a call from another site is refused', async () => {
  const { cookie, csrf } = await signIn();
  const create = (headers: Record<string, string>) =>
    fetch(`${gateway.url}/ui/api/keys`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: '{"name":"csrf-probe"}' });
  assert.equal((await create({})).status, 403);
  assert.equal((await create({ 'x-csrf-token': 'forged' })).status, 403);
  assert.equal((await create({ 'x-csrf-token': csrf, origin: 'https://evil.example' })).status, 403);
  const made = await create({ 'x-csrf-token': csrf, origin: gateway.url });
  assert.equal(made.status, 201);
  assert.match(((await made.json()) as { key: string }).key, /^sk-/);
});

test('roles: a viewer reads logs, spend and budgets but never keys or request bodies', async () => {
  const viewer = new UiSessions(() => masterKey).issue('viewer', 'viewer@example.com', 60_000)!;
  const cookie = `switchyard_session=${viewer.value}`;
  const get = (path: string) => fetch(`${gateway.url}/ui/api/${path}`, { headers: { cookie } });
  assert.equal((await get('keys')).status, 403);
  assert.equal((await get('budgets')).status, 200);
  assert.equal((await get('spend?group_by=team')).status, 200);
  const logs = (await (await get('logs')).json()) as { data: Array<{ request_id: string }> };
  assert.ok(logs.data.length > 0);
  const detail = (await (await get(`logs/${logs.data[0]!.request_id}`)).json()) as Record<string, unknown>;
  assert.equal('request_body' in detail, false);
  assert.equal((await get('logs?colour=red')).status, 400, 'an unknown filter is a 400');
  assert.equal((await get('logs/%E0')).status, 400);
  assert.equal((await get('logs/req_nobody')).status, 404);
});

test('without a master key nobody can sign in; with ui.enabled: false there is no /ui at all', async () => {
  const keyless = await startTestGateway('models: {}\n');
  try {
    const refused = await fetch(`${keyless.url}/ui/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"master_key":"anything-at-all"}',
    });
    assert.equal(refused.status, 403);
    assert.match(((await refused.json()) as { error: { message: string } }).error.message, /server\.master_key/);
  } finally {
    await keyless.close();
  }
  const off = await startTestGateway(`server: { master_key: ${masterKey} }\nui: { enabled: false }\n`);
  try {
    assert.equal((await fetch(`${off.url}/ui/`)).status, 404);
    assert.equal((await fetch(`${off.url}/admin/budgets`, { headers: { authorization: `Bearer ${masterKey}` } })).status, 200, 'the admin API stays');
  } finally {
    await off.close();
  }
});
