import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { checkServable } from '../../src/app.ts';
import { parseConfigText } from '../../src/config/load-config.ts';

// compose.yaml cannot run here (no container engine), but the config its scale-out replicas
// mount can be checked: it must parse, serve on 0.0.0.0, and point at the profile's own
// Postgres and Redis services with the credentials the postgres service starts with.
const root = fileURLToPath(new URL('../../', import.meta.url));

test('the scale-out profile mounts a valid config: Postgres storage and Redis coordination on the profile services', () => {
  const compose = parse(readFileSync(`${root}compose.yaml`, 'utf8')) as {
    services: Record<string, { environment?: Record<string, string>; volumes?: string[]; profiles?: string[] }>;
  };
  const gateway = compose.services['gateway-scaled']!;
  assert.deepEqual(gateway.profiles, ['scale-out']);
  const mount = gateway.volumes?.find((volume) => volume.split(':')[1] === '/config/switchyard.yaml');
  assert.ok(mount, 'the replicas mount a config at /config/switchyard.yaml');
  const file = mount.split(':')[0]!.replace(/^\.\//, root);
  // The environment compose gives the replicas, with the secrets an operator puts in .env.
  const env = {
    SWITCHYARD_MASTER_KEY: 'sk-master-compose-check-0001',
    SWITCHYARD_CLIENT_KEY: 'sk-client-compose-check-0001',
    POSTGRES_PASSWORD: 'from-dotenv',
  };
  const config = parseConfigText(readFileSync(file, 'utf8'), { env, source: file, cwd: '/data' });
  checkServable(config, '0.0.0.0');
  const postgres = compose.services['postgres']!.environment!;
  const storage = new URL(config.storage.url);
  assert.equal(storage.protocol, 'postgres:');
  assert.ok(compose.services[storage.hostname], `storage.url names the ${storage.hostname} service`);
  assert.equal(decodeURIComponent(storage.username), postgres['POSTGRES_USER']);
  assert.equal(storage.pathname, `/${postgres['POSTGRES_DB']}`);
  assert.equal(decodeURIComponent(storage.password), 'from-dotenv');
  assert.match(gateway.environment?.['POSTGRES_PASSWORD'] ?? '', /^\$\{POSTGRES_PASSWORD:-switchyard\}$/);
  assert.match(postgres['POSTGRES_PASSWORD'] ?? '', /^\$\{POSTGRES_PASSWORD:-switchyard\}$/, 'both sides default to the same password');
  assert.equal(config.storage.outboxDir, '/data/outbox');
  const coordination = new URL(config.coordination!.url);
  assert.ok(compose.services[coordination.hostname], `coordination.url names the ${coordination.hostname} service`);
  // Every replica derives the same guardrails salt from the shared master key.
  assert.equal(config.guardrailsSalt.source, 'master_key');
  assert.deepEqual(
    config.warnings.filter((warning) => warning.includes('fingerprint_salt')),
    [],
  );
});
