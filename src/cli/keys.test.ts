import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminTestConfig, masterKey, startAdminTestServer, type AdminTestServer } from '../../test/support/http/admin-test-server.ts';
import { runKeys } from './keys.ts';

/** Runs the CLI in-process and returns what it printed. */
async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  let out = '';
  await runKeys(argv, { stdout: { write: (text: string) => (out += text) }, env });
  return out;
}

describe('switchyard keys against a gateway admin API', () => {
  let server: AdminTestServer;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    server = await startAdminTestServer(adminTestConfig({ configKey: true }));
    env = { SWITCHYARD_URL: server.url, SWITCHYARD_MASTER_KEY: masterKey };
  });
  after(() => server.close());

  test('create prints the secret once with a warning; the secret authenticates', async () => {
    const out = await run(
      [
        'create',
        '--name',
        'bob',
        '--team',
        'research',
        '--tag',
        'ci',
        '--tag',
        'nightly',
        '--model',
        'smart',
        '--model',
        'claude-sonnet',
        '--alias',
        'fast=claude-sonnet',
        '--budget-usd',
        '50',
        '--budget-window',
        'week',
        '--budget-mode',
        'soft',
        '--rpm',
        '60',
        '--tpm',
        '200000',
        '--concurrent',
        '8',
        '--expires',
        '2099-01-01T00:00:00Z',
      ],
      env,
    );
    const secret = /(sk-sy-[0-9A-Za-z]{32})/.exec(out)?.[1];
    assert.ok(secret, out);
    assert.match(out, /^Created key "bob" \(team research\)\./);
    assert.match(out, /will not be shown again/);
    const key = await server.directory.authenticate(secret);
    assert.deepEqual(
      [
        key?.team,
        key?.tags,
        key?.modelsAllowed,
        key?.aliases,
        key?.budget?.window,
        key?.budget?.mode,
        key?.budget?.limitUsd,
        key?.rateLimit,
        key?.expiresAt?.toISOString(),
      ],
      [
        'research',
        ['ci', 'nightly'],
        ['smart', 'claude-sonnet'],
        { fast: 'claude-sonnet' },
        'week',
        'soft',
        50,
        { rpm: 60, tpm: 200000, concurrent: 8 },
        '2099-01-01T00:00:00.000Z',
      ],
    );
  });

  test('create --json gives machine output with the key', async () => {
    const created = JSON.parse(await run(['create', '--name', 'ci-bot', '--json', '--url', server.url, '--master-key', masterKey], {}));
    assert.equal(created.name, 'ci-bot');
    assert.match(created.key, /^sk-sy-/);
    assert.equal(created.prefix, created.key.slice(0, 12));
  });

  test('list prints a table of config and stored keys without secrets', async () => {
    const out = await run(['list'], env);
    const lines = out.trimEnd().split('\n');
    assert.deepEqual(lines[0]!.split(/\s+/), ['NAME', 'PREFIX', 'TEAM', 'USER', 'MODELS', 'BUDGET', 'STATUS']);
    assert.match(out, /^alice\s+\(config\)\s+platform\s+-\s+smart\s+-\s+active$/m);
    assert.match(out, /^bob\s+sk-sy-\w{6}…\s+research\s+-\s+smart,claude-sonnet\s+\$50\/week soft\s+active$/m);
    assert.equal(/sk-sy-\w{7,}/.test(out), false, 'no more than the display prefix is printed');
    const listed = JSON.parse(await run(['list', '--json'], env));
    assert.deepEqual(
      listed.data.map((entry: { name: string }) => entry.name),
      ['alice', 'bob', 'ci-bot'],
    );
  });

  test('revoke takes effect at once', async () => {
    const created = JSON.parse(await run(['create', '--name', 'temp', '--json'], env));
    assert.equal((await server.directory.authenticate(created.key))?.name, 'temp');
    assert.match(await run(['revoke', 'temp'], env), /^Revoked key "temp" \(at \d{4}-.*\); requests with it are refused from now on\.\n$/);
    await assert.rejects(server.directory.authenticate(created.key), /has been revoked/);
    assert.match(await run(['list'], env), /^temp\s+.*\brevoked$/m);
  });

  test('gateway refusals come back as clear errors', async () => {
    await assert.rejects(run(['revoke', 'alice'], env), /DELETE \/admin\/keys\/alice: HTTP 409: The key "alice" is declared in the config file/);
    await assert.rejects(run(['revoke', 'nobody'], env), /HTTP 404: No key named "nobody"/);
    await assert.rejects(run(['create', '--name', 'x', '--model', 'gpt-9'], env), /HTTP 400: models_allowed: "gpt-9" is not a model/);
    await assert.rejects(
      run(['list'], { ...env, SWITCHYARD_MASTER_KEY: 'wrong-master-key' }),
      /HTTP 401: Incorrect master key\. \(check SWITCHYARD_MASTER_KEY/,
    );
  });
});

test('argument mistakes are caught before any request', async () => {
  const env = { SWITCHYARD_URL: 'http://127.0.0.1:9', SWITCHYARD_MASTER_KEY: masterKey };
  await assert.rejects(run(['create'], env), /--name is required/);
  await assert.rejects(run(['create', '--name', 'a', '--rpm', 'lots'], env), /--rpm: "lots" is not a number/);
  await assert.rejects(run(['create', '--name', 'a', '--budget-mode', 'soft'], env), /need --budget-usd/);
  await assert.rejects(run(['create', '--name', 'a', '--alias', 'fast'], env), /--alias: "fast" is not NAME=MODEL/);
  await assert.rejects(run(['list', '--team', 'x'], env), /Unknown option '--team'/);
  await assert.rejects(run(['revoke'], env), /exactly one key name/);
  await assert.rejects(run(['rotate'], env), /unknown command "rotate"/);
  await assert.rejects(run(['list'], { SWITCHYARD_URL: 'http://127.0.0.1:9' }), /needs the master key: set SWITCHYARD_MASTER_KEY/);
  assert.match(await run(['--help'], {}), /^Usage: switchyard keys/);
});

test('no gateway listening: says so and how to start one', async () => {
  // A port that was just free: bind it, note it, close it.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await assert.rejects(run(['list', '--url', url], { SWITCHYARD_MASTER_KEY: masterKey }), (error: Error) => {
    assert.equal(error.message, `no gateway at ${url}; start it with \`switchyard start\` (or point --url / SWITCHYARD_URL at it)`);
    return true;
  });
});
