import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { hashKey } from '../../core/hash-key.ts';
import { defaultGuardrails } from '../../config/guardrails-config.ts';
import { guardrailsFor } from '../../policy/guardrails/guardrails-for.ts';
import { adminTestConfig, masterKey, startAdminTestServer, type AdminTestServer } from '../../../test/support/http/admin-test-server.ts';

type Json = Record<string, any>;

async function call(
  server: AdminTestServer,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = masterKey,
): Promise<{ status: number; body: Json; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : { text }, headers: response.headers };
}

/** An OpenAI-shaped error with a request id. */
function assertError(result: { status: number; body: Json; headers: Headers }, status: number, message: RegExp): void {
  assert.equal(result.status, status);
  assert.match(result.body.error?.message ?? '', message);
  assert.equal(typeof result.body.error.type, 'string');
  assert.ok('code' in result.body.error && 'param' in result.body.error);
  assert.match(result.headers.get('x-request-id') ?? '', /^req_/);
}

describe('admin keys API', () => {
  let server: AdminTestServer;
  before(async () => {
    server = await startAdminTestServer(adminTestConfig({ configKey: true }));
  });
  after(() => server.close());

  test('master key only: missing or wrong is 401; other paths are left to the caller', async () => {
    assertError(await call(server, 'GET', '/admin/keys', undefined, null), 401, /master key/);
    assertError(await call(server, 'GET', '/admin/keys', undefined, 'master-key-for-tests-0002'), 401, /Incorrect master key/);
    // A client key is not a master key.
    assertError(await call(server, 'GET', '/admin/keys', undefined, 'sk-config-alice-0001'), 401, /Incorrect master key/);
    for (const path of ['/admin/logs', '/admin/spend', '/v1/models']) {
      assert.deepEqual((await call(server, 'GET', path)).body, { text: 'not admin' });
    }
  });

  test('create returns the secret once; list and get never show a secret or hash', async () => {
    const created = await call(server, 'POST', '/admin/keys', {
      name: 'bob',
      team: 'research',
      tags: ['ci'],
      models_allowed: ['claude-sonnet'],
      budget: { limit_usd: 50, mode: 'soft' },
      rate_limit: { rpm: 60, concurrent: 4 },
      expires_at: '2099-01-01T01:00:00+01:00',
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('cache-control'), 'no-store');
    const secret: string = created.body.key;
    assert.match(secret, /^sk-sy-[0-9A-Za-z]{32}$/);
    assert.deepEqual(
      { ...created.body, key: undefined, created_at: undefined },
      {
        name: 'bob',
        key: undefined,
        source: 'api',
        prefix: secret.slice(0, 12),
        status: 'active',
        team: 'research',
        user: null,
        tags: ['ci'],
        models_allowed: ['claude-sonnet'],
        aliases: {},
        budget: { limit_usd: 50, window: 'month', mode: 'soft', warn_at: 0.8, week_starts_on: 1, month_starts_on: 1 },
        rate_limit: { rpm: 60, concurrent: 4 },
        guardrails: null,
        expires_at: '2099-01-01T00:00:00.000Z',
        created_at: undefined,
        revoked_at: null,
      },
    );
    // The secret works at once, as the KeyConfig the pipeline uses.
    const key = await server.directory.authenticate(secret);
    assert.deepEqual([key?.name, key?.team, key?.rateLimit, key?.budget?.mode], ['bob', 'research', { rpm: 60, concurrent: 4 }, 'soft']);

    const list = await call(server, 'GET', '/admin/keys');
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.data.map((entry: Json) => [entry.name, entry.source, entry.status]),
      [
        ['alice', 'config', 'active'],
        ['bob', 'api', 'active'],
      ],
    );
    const one = await call(server, 'GET', '/admin/keys/bob');
    assert.equal(one.body.prefix, secret.slice(0, 12));
    assert.equal((await call(server, 'GET', '/admin/keys/alice')).body.models_allowed[0], 'smart');
    for (const text of [JSON.stringify(list.body), JSON.stringify(one.body)]) {
      assert.equal(text.includes(secret), false);
      assert.equal(text.includes(hashKey(secret)), false);
      assert.equal(text.includes(hashKey('sk-config-alice-0001')), false);
    }
    assertError(await call(server, 'GET', '/admin/keys/nobody'), 404, /No key named "nobody"/);
  });

  test('bad bodies are 400s naming the field; clashes are 409s', async () => {
    const unknown = await call(server, 'POST', '/admin/keys', { name: 'x1', team: 't', colour: 'red', budget: { limit_usd: 1, bogus: 2 } });
    assertError(unknown, 400, /unknown field "budget\.bogus".*unknown field "colour" \(accepted: name, team/);
    assertError(await call(server, 'POST', '/admin/keys', { name: 'x2', rate_limit: { rpm: -1 } }), 400, /rate_limit\.rpm/);
    assertError(await call(server, 'POST', '/admin/keys', { name: 'has space' }), 400, /name: letters, digits/);
    assertError(
      await call(server, 'POST', '/admin/keys', { name: 'x3', models_allowed: ['gpt-9'] }),
      400,
      /models_allowed: "gpt-9" is not a model this gateway serves \(configured: claude-sonnet, smart/,
    );
    assertError(await call(server, 'POST', '/admin/keys', { name: 'x4', expires_at: '2001-01-01T00:00:00Z' }), 400, /already in the past/);
    assertError(await call(server, 'POST', '/admin/keys', [1]), 400, /JSON object/);
    assertError(await call(server, 'POST', '/admin/keys', { name: 'alice' }), 409, /declared in the config file/);
    assert.equal((await call(server, 'POST', '/admin/keys', { name: 'dup' })).status, 201);
    assertError(await call(server, 'POST', '/admin/keys', { name: 'dup' }), 409, /"dup" already exists/);
    // None of the refused bodies left a key behind.
    const names = (await call(server, 'GET', '/admin/keys')).body.data.map((entry: Json) => entry.name);
    assert.deepEqual(
      names.filter((name: string) => name.startsWith('x')),
      [],
    );
  });

  test('a key without a name gets a generated one', async () => {
    const created = await call(server, 'POST', '/admin/keys', {});
    assert.equal(created.status, 201);
    assert.match(created.body.name, /^key-[0-9a-f]{8}$/);
  });

  test('PATCH changes only what it names, null clears, and applies on the next request', async () => {
    const { body } = await call(server, 'POST', '/admin/keys', { name: 'carol', team: 'research', rate_limit: { rpm: 5 } });
    const patched = await call(server, 'PATCH', '/admin/keys/carol', { team: null, rate_limit: { tpm: 1000 }, models_allowed: ['smart'] });
    assert.equal(patched.status, 200);
    assert.deepEqual([patched.body.team, patched.body.rate_limit, patched.body.models_allowed], [null, { tpm: 1000 }, ['smart']]);
    const key = await server.directory.authenticate(body.key);
    assert.deepEqual([key?.team, key?.rateLimit, key?.modelsAllowed], [undefined, { tpm: 1000 }, ['smart']]);
    assertError(await call(server, 'PATCH', '/admin/keys/carol', { name: 'carla' }), 400, /cannot be renamed/);
    assertError(await call(server, 'PATCH', '/admin/keys/carol', { key: 'sk-mine' }), 400, /unknown field "key"/);
    assertError(await call(server, 'PATCH', '/admin/keys/alice', { team: 'x' }), 409, /declared in the config file/);
    assertError(await call(server, 'PATCH', '/admin/keys/nobody', { team: 'x' }), 404, /No key named/);
  });

  test('a guardrails block is validated like the config one, stored with the key, replaced whole by PATCH', async () => {
    const created = await call(server, 'POST', '/admin/keys', {
      name: 'erin',
      team: 'research',
      guardrails: { secrets: { action: 'block' }, scan_output: true },
    });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.guardrails, { secrets: { action: 'block' }, scan_output: true });
    assert.deepEqual((await call(server, 'GET', '/admin/keys/erin')).body.guardrails, { secrets: { action: 'block' }, scan_output: true });
    // The key's requests run under it: the override reaches the guardrails in force.
    const key = await server.directory.authenticate(created.body.key);
    assert.deepEqual(key?.guardrails, { secrets: 'block', scanOutput: true });
    const inForce = guardrailsFor({ guardrails: defaultGuardrails, teamGuardrails: { research: { pii: 'off' } }, models: {} }, key, null);
    assert.deepEqual([inForce.secrets, inForce.pii, inForce.scanOutput], ['block', 'off', true]);
    const patched = await call(server, 'PATCH', '/admin/keys/erin', { guardrails: { pii: { action: 'redact' } } });
    assert.deepEqual(patched.body.guardrails, { pii: { action: 'redact' } });
    assert.deepEqual((await server.directory.authenticate(created.body.key))?.guardrails, { pii: 'redact' });
    const cleared = await call(server, 'PATCH', '/admin/keys/erin', { guardrails: null });
    assert.equal(cleared.body.guardrails, null);
    assert.equal((await server.directory.authenticate(created.body.key))?.guardrails, undefined);
    // The config schema's rules: per-category actions, strict objects.
    assertError(await call(server, 'POST', '/admin/keys', { name: 'x3', guardrails: { pii: { action: 'block' } } }), 400, /guardrails\.pii\.action/);
    assertError(await call(server, 'PATCH', '/admin/keys/erin', { guardrails: { secrets: 'redact' } }), 400, /guardrails\.secrets/);
    assertError(await call(server, 'PATCH', '/admin/keys/erin', { guardrails: { scan: true } }), 400, /unknown field "guardrails\.scan"/);
    assert.equal((await call(server, 'GET', '/admin/keys/x3')).status, 404);
  });

  test('DELETE revokes at once; config keys cannot be revoked here', async () => {
    const { body } = await call(server, 'POST', '/admin/keys', { name: 'dave' });
    assert.equal((await server.directory.authenticate(body.key))?.name, 'dave');
    const revoked = await call(server, 'DELETE', '/admin/keys/dave');
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.status, 'revoked');
    assert.match(revoked.body.revoked_at, /^\d{4}-\d\d-\d\dT/);
    await assert.rejects(server.directory.authenticate(body.key), /"dave" has been revoked/);
    assert.equal((await call(server, 'DELETE', '/admin/keys/dave')).body.revoked_at, revoked.body.revoked_at);
    assertError(await call(server, 'PATCH', '/admin/keys/dave', { team: 'x' }), 409, /revoked/);
    assertError(await call(server, 'POST', '/admin/keys', { name: 'dave' }), 409, /was revoked; names are never reused/);
    assertError(await call(server, 'DELETE', '/admin/keys/alice'), 409, /declared in the config file/);
    assertError(await call(server, 'PUT', '/admin/keys/dave'), 405, /GET, PATCH, DELETE/);
  });
});

test('without a master key the admin API is off with a 403 saying how to turn it on', async () => {
  const server = await startAdminTestServer(adminTestConfig({ master: false }));
  try {
    const result = await call(server, 'GET', '/admin/keys', undefined, 'anything-at-all');
    assertError(result, 403, /Set server\.master_key/);
  } finally {
    await server.close();
  }
});

test('the first key created through the API switches client auth on at once', async () => {
  const server = await startAdminTestServer(adminTestConfig());
  try {
    assert.equal(await server.directory.authenticate(undefined), undefined);
    const created = await call(server, 'POST', '/admin/keys', { name: 'first' });
    await assert.rejects(server.directory.authenticate(undefined), (error: { status: number }) => error.status === 401);
    assert.equal((await server.directory.authenticate(created.body.key))?.name, 'first');
  } finally {
    await server.close();
  }
});
