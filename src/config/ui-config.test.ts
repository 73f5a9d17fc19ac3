import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from './load-config.ts';
import { ConfigError } from './config-error.ts';

const parse = (yaml: string) => parseConfigText(yaml, { env: { SSO_SECRET: 'from-env' }, source: 'test', cwd: '/tmp' });

test('ui: on by default with 12 h sessions; oidc reads its secret from the environment and lower-cases who may sign in', () => {
  assert.deepEqual(parse('{}').ui, { enabled: true, sessionTtlMs: 720 * 60_000 });
  const ui = parse(`
ui:
  session_ttl_minutes: 60
  oidc:
    issuer: https://login.example.com
    client_id: switchyard
    client_secret: \${SSO_SECRET}
    allowed_domains: ["@Example.com"]
    admin_emails: [Lead@Example.com]
`).ui;
  assert.equal(ui.sessionTtlMs, 3_600_000);
  assert.equal(ui.oidc?.clientSecret.reveal(), 'from-env');
  assert.equal(String(ui.oidc?.clientSecret), '[secret]');
  assert.deepEqual([ui.oidc?.allowedDomains, ui.oidc?.adminEmails, ui.oidc?.allowedEmails], [['example.com'], ['lead@example.com'], []]);
});

test('ui.oidc must say who may sign in; unknown keys are refused', () => {
  assert.throws(
    () => parse('ui: { oidc: { issuer: "https://login.example.com", client_id: a, client_secret: b } }'),
    (error: unknown) => error instanceof ConfigError && /allowed_emails or allowed_domains/.test(error.message),
  );
  assert.throws(() => parse('ui: { theme: dark }'), ConfigError);
});

test('a reload that changes the dashboard settings says so (they apply at once; the OIDC secret never prints)', async () => {
  const { diffRuntimeConfig, describeChanges } = await import('./diff-runtime-config.ts');
  const sso = (secret: string) =>
    parse(`ui: { oidc: { issuer: "https://login.example.com", client_id: a, client_secret: ${secret}, allowed_domains: [example.com] } }`);
  assert.equal(describeChanges(diffRuntimeConfig(sso('one-secret'), sso('one-secret'))), 'no changes');
  const text = describeChanges(diffRuntimeConfig(sso('one-secret'), sso('another-secret')));
  assert.equal(text, 'also changed: ui');
  assert.doesNotMatch(text, /secret/);
});
