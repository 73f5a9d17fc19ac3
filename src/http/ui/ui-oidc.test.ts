import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roleOf } from './ui-oidc.ts';

test('roles: admin_emails and admin_domains are admins, the other allowed accounts viewers, the rest nobody', () => {
  const config = {
    allowedEmails: ['contractor@elsewhere.io'],
    allowedDomains: ['example.com'],
    adminEmails: ['lead@example.com'],
    adminDomains: ['ops.example.com'],
  };
  assert.deepEqual(
    ['Lead@Example.com', 'sre@ops.example.com', 'dev@example.com', 'contractor@elsewhere.io', 'someone@elsewhere.io', 'dev@notexample.com'].map((email) =>
      roleOf(config, email),
    ),
    ['admin', 'admin', 'viewer', 'viewer', undefined, undefined],
  );
});
