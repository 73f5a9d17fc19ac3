import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { inspect } from 'node:util';
import { parseConfigText } from '../../config/load-config.ts';
import type { RuntimeConfig } from '../../config/runtime-config.ts';
import { evaluateRequest, type RequestText } from './evaluate-request.ts';

const context = (env: NodeJS.ProcessEnv = {}) => ({ env, source: 'test.yaml', cwd: '/tmp' });
// A structurally valid fake token, built at run time (never a real one).
const token = `ghp_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'.slice(0, 36)}`;
const texts = (): RequestText[] => [{ text: `GITHUB_TOKEN=${token}\n`, location: 'input[0].output', source: 'tool-output', json: false }];

async function evidence(config: RuntimeConfig): Promise<{ fingerprint: string; placeholder: string }> {
  const result = await evaluateRequest(texts(), config.guardrails, config.guardrailsSalt.salt.reveal());
  const verdict = result.verdicts.find((item) => item.rule === 'github-token');
  assert.ok(verdict, 'the token is found');
  const placeholder = /\[secret:[^\]]+\]/.exec(result.replacements.get(0) ?? '')?.[0];
  assert.ok(placeholder, 'the token is redacted');
  return { fingerprint: verdict.fingerprint, placeholder };
}

const withSalt = (salt: string) => `guardrails: { fingerprint_salt: "${salt}" }\n`;

test('the same fingerprint_salt gives the same fingerprint and placeholder on every instance; another salt, others', async () => {
  const one = parseConfigText(withSalt('replica-salt-0123456789abcdef'), context());
  const two = parseConfigText(withSalt('replica-salt-0123456789abcdef'), context());
  const other = parseConfigText(withSalt('another-salt-0123456789abcdef'), context());
  assert.equal(one.guardrailsSalt.source, 'fingerprint_salt');
  const [a, b, c] = [await evidence(one), await evidence(two), await evidence(other)];
  assert.deepEqual(a, b);
  assert.notEqual(a.fingerprint, c.fingerprint);
  assert.notEqual(a.placeholder, c.placeholder);
  // The salt is a credential: it never prints.
  assert.equal(inspect(one.guardrailsSalt).includes('replica-salt'), false);
  assert.equal(JSON.stringify(one).includes('replica-salt'), false);
});

test('a fingerprint is the same after a restart: another process with the same config computes it', async () => {
  const yaml = withSalt('restart-salt-0123456789abcdef');
  const here = await evidence(parseConfigText(yaml, context()));
  const script = `
    import { parseConfigText } from './src/config/load-config.ts';
    import { evaluateRequest } from './src/policy/guardrails/evaluate-request.ts';
    const config = parseConfigText(${JSON.stringify(yaml)}, { env: {}, source: 'x', cwd: '/tmp' });
    const result = await evaluateRequest(${JSON.stringify(texts())}, config.guardrails, config.guardrailsSalt.salt.reveal());
    process.stdout.write(result.verdicts[0].fingerprint);`;
  const root = new URL('../../../', import.meta.url).pathname;
  const there = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 60_000 }).toString();
  assert.equal(there, here.fingerprint);
});

test('without a salt: derived from the master key (stable), else random per process (same across reloads) with a warning when scaled out', async () => {
  const master = parseConfigText('server: { master_key: "master-key-for-salt-test" }\n', context());
  const masterAgain = parseConfigText('', context({ SWITCHYARD_MASTER_KEY: 'master-key-for-salt-test' }));
  assert.equal(master.guardrailsSalt.source, 'master_key');
  assert.deepEqual(await evidence(master), await evidence(masterAgain));
  // The derived salt is not the master key itself.
  assert.notEqual(master.guardrailsSalt.salt.reveal(), 'master-key-for-salt-test');

  const fromEnv = parseConfigText('', context({ SWITCHYARD_GUARDRAILS_SALT: 'replica-salt-0123456789abcdef' }));
  assert.deepEqual(await evidence(fromEnv), await evidence(parseConfigText(withSalt('replica-salt-0123456789abcdef'), context())));

  const plain = parseConfigText('', context());
  const reloaded = parseConfigText('', context());
  assert.equal(plain.guardrailsSalt.source, 'process');
  assert.deepEqual(await evidence(plain), await evidence(reloaded));
  assert.equal(
    plain.warnings.some((warning) => warning.includes('fingerprint_salt')),
    false,
  );
  const scaled = parseConfigText('coordination: { url: "redis://127.0.0.1:6379/0" }\n', context());
  assert.ok(scaled.warnings.some((warning) => warning.includes('guardrails.fingerprint_salt is not set')));
  // Instances sharing a Postgres database share stored conversations too: the same warning.
  const shared = parseConfigText('storage: { url: "postgresql://switchyard@db:5432/switchyard" }\n', context());
  assert.ok(shared.warnings.some((warning) => warning.includes('guardrails.fingerprint_salt is not set')));
});

test('fingerprint_salt is top-level only and at least 16 characters', () => {
  assert.throws(() => parseConfigText(withSalt('short'), context()), /fingerprint_salt/);
  assert.throws(() => parseConfigText('teams: { a: { guardrails: { fingerprint_salt: "team-salt-0123456789abcdef" } } }\n', context()), /fingerprint_salt/);
  assert.throws(
    () => parseConfigText('keys: [{ name: k, key: sk-key-12345678, guardrails: { fingerprint_salt: "key-salt-0123456789abcdef" } }]\n', context()),
    /fingerprint_salt/,
  );
});
