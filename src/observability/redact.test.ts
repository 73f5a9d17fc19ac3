import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { redactNullable, redactSecrets } from './redact.ts';

// Samples are assembled from parts so secret scanners do not flag this file; each has the
// real shape (prefix, alphabet, length) of its kind.
const random = (length: number, alphabet = 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYz'): string =>
  Array.from({ length }, (_, index) => alphabet[(index * 7 + 3) % alphabet.length]).join('');

const samples = {
  openaiLegacy: `sk-${random(20)}T3BlbkFJ${random(20)}`,
  openaiProject: `sk-proj-${random(156, 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYz_-')}`,
  anthropic: `sk-ant-api03-${random(93, 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYz_-')}AA`,
  google: `AIza${random(35, 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYz_-')}`,
  awsAccess: `AKIA${random(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
  awsSecret: random(40, 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYz/+'),
  github: `ghp_${random(36)}`,
  githubFineGrained: `github_pat_${random(22)}_${random(59)}`,
  slack: `xoxb-${random(12, '0123456789')}-${random(13, '0123456789')}-${random(24)}`,
  jwt: `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.${random(43, 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYz_-')}`,
  switchyard: `sk-sy-${random(32)}`,
};

describe('redactSecrets', () => {
  test('vendor keys are replaced by their kind, leaving the text around them', () => {
    const cases: Array<[string, string]> = [
      [`OPENAI_API_KEY=${samples.openaiLegacy} npm start`, 'OPENAI_API_KEY=[REDACTED:openai_key] npm start'],
      [`key: ${samples.openaiProject}.`, 'key: [REDACTED:openai_key].'],
      [`export ANTHROPIC_API_KEY="${samples.anthropic}"`, 'export ANTHROPIC_API_KEY="[REDACTED:anthropic_key]"'],
      [
        `https://generativelanguage.googleapis.com/v1beta/models?key=${samples.google}&alt=sse`,
        'https://generativelanguage.googleapis.com/v1beta/models?key=[REDACTED:google_api_key]&alt=sse',
      ],
      [
        `[default]\naws_access_key_id = ${samples.awsAccess}\naws_secret_access_key = ${samples.awsSecret}\n`,
        '[default]\naws_access_key_id = [REDACTED:aws_access_key]\naws_secret_access_key = [REDACTED:aws_secret_key]\n',
      ],
      [`git clone https://${samples.github}@github.com/acme/repo.git`, 'git clone https://[REDACTED:github_token]@github.com/acme/repo.git'],
      [`token ${samples.githubFineGrained}`, 'token [REDACTED:github_token]'],
      [`SLACK_BOT_TOKEN=${samples.slack}`, 'SLACK_BOT_TOKEN=[REDACTED:slack_token]'],
      [`cookie session=${samples.jwt}; path=/`, 'cookie session=[REDACTED:jwt]; path=/'],
      [`curl -H "x-api-key: ${samples.switchyard}"`, 'curl -H "x-api-key: [REDACTED:switchyard_key]"'],
    ];
    for (const [input, expected] of cases) assert.equal(redactSecrets(input), expected, input);
  });

  test('bearer tokens and name=value secrets keep the name, lose the value', () => {
    assert.equal(redactSecrets('Authorization: Bearer 8f2a9c41d7e6b5a3c2d1e0f9'), 'Authorization: Bearer [REDACTED:bearer_token]');
    assert.equal(redactSecrets(`Authorization: Bearer ${samples.anthropic}`), 'Authorization: Bearer [REDACTED:anthropic_key]');
    assert.equal(redactSecrets('{"api_key": "z9y8x7w6v5u4", "model": "gpt-5"}'), '{"api_key": "[REDACTED:generic_secret]", "model": "gpt-5"}');
    assert.equal(redactSecrets('https://host/hook?api-key=abcdef123456&x=1'), 'https://host/hook?api-key=[REDACTED:generic_secret]&x=1');
    assert.equal(redactSecrets("client_secret: 'Qm9vYmFyQmF6MTIz'"), "client_secret: '[REDACTED:generic_secret]'");
    assert.equal(redactSecrets('DB password=correct-horse-battery'), 'DB password=[REDACTED:generic_secret]');
  });

  test('a private key block is masked whole', () => {
    const block = ['-----BEGIN OPENSSH PRIVATE KEY-----', random(70), random(70), random(20), '-----END OPENSSH PRIVATE KEY-----'].join('\n');
    assert.equal(redactSecrets(`cat ~/.ssh/id_ed25519\n${block}\ndone`), 'cat ~/.ssh/id_ed25519\n[REDACTED:private_key]\ndone');
    const rsa = `-----BEGIN RSA PRIVATE KEY-----\n${random(64)}\n-----END RSA PRIVATE KEY-----`;
    assert.equal(redactSecrets(JSON.stringify({ content: rsa })), '{"content":"[REDACTED:private_key]"}');
  });

  test('secrets inside a JSON request body are masked and the body stays valid JSON', () => {
    const body = JSON.stringify({
      model: 'claude-sonnet',
      input: [{ role: 'user', content: `my key is ${samples.openaiProject} and the AWS one ${samples.awsAccess}, please rotate` }],
    });
    const redacted = redactSecrets(body);
    const parsed = JSON.parse(redacted);
    assert.equal(parsed.input[0].content, 'my key is [REDACTED:openai_key] and the AWS one [REDACTED:aws_access_key], please rotate');
    assert.equal(parsed.model, 'claude-sonnet');
  });

  test('ordinary text stays exactly as it was', () => {
    const keep = [
      'We use sk-learn-pipeline-helpers for preprocessing and ask-me-anything-about-the-universe.',
      'risk-assessment-framework-for-projects task-1234-refactor-the-tokenizer',
      '{"max_tokens": 4096, "input_tokens": 123456789, "cached_input_tokens": 5000, "tokens": 12}',
      'request req_9f8e7d6c5b4a39281706f5e4 trace 4bf92f3577b34da6a3ce929d0e0e4736 commit 2f1d8c0a9b7e6d5c4b3a29181706f5e4d3c2b1a0',
      'uuid 123e4567-e89b-12d3-a456-426614174000, sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      'The Bearer authentication scheme is described in RFC 6750; a token: abc.',
      'policy secret_detected blocked the prompt; see api_keys docs and password_hint field',
      'AKIAshort is not a key, nor is AIza alone, nor xoxb-1, nor ghp_short.',
      '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----',
      '[REDACTED:openai_key] stays as it is',
    ];
    for (const text of keep) assert.equal(redactSecrets(text), text);
  });

  test('redacting twice changes nothing more', () => {
    const once = redactSecrets(`api_key=${samples.openaiLegacy} Bearer ${samples.jwt} token=${samples.github}`);
    assert.equal(once, 'api_key=[REDACTED:openai_key] Bearer [REDACTED:jwt] token=[REDACTED:github_token]');
    assert.equal(redactSecrets(once), once);
  });

  test('a guardrail placeholder after a secret name is left as it is (it holds no secret)', () => {
    const text = 'token = [secret:github-token:0123456789ab] and "api_key": "[secret:openai-key:ba9876543210]", Bearer [secret:jwt:00ff00ff00ff]';
    assert.equal(redactSecrets(text), text);
    assert.equal(
      redactSecrets(`token=${samples.github} then token=[secret:github-token:0123456789ab]`),
      'token=[REDACTED:github_token] then token=[secret:github-token:0123456789ab]',
    );
  });

  test('redactNullable passes null through', () => {
    assert.equal(redactNullable(null), null);
    assert.equal(redactNullable(`k=${samples.google}`), 'k=[REDACTED:google_api_key]');
  });
});
