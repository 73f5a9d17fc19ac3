import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyConfig, RateLimitConfig } from '../../config/runtime-config.ts';
import { GatewayError } from '../../core/errors.ts';
import { openaiResponsesCodec } from '../../dialects/openai-responses/index.ts';
import { MemoryRateCounterStore } from '../../store/memory/memory-rate-counter-store.ts';
import { RateLimiter } from './rate-limiter.ts';

const t0 = 1_700_000_000_000;

function key(name: string, rateLimit?: RateLimitConfig, team?: string): KeyConfig {
  const out: KeyConfig = { name, hash: name.padEnd(64, '0'), tags: [], aliases: {} };
  if (rateLimit) out.rateLimit = rateLimit;
  if (team) out.team = team;
  return out;
}

function limiter(teams: Record<string, RateLimitConfig> = {}): RateLimiter {
  return new RateLimiter(new MemoryRateCounterStore(), teams);
}

/** Awaits a refused acquire and returns its error, checking the 429 contract. */
async function refused(call: Promise<unknown>): Promise<GatewayError> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.code, 'policy_rate_limited');
    assert.equal(error.status, 429);
    return error;
  }
  assert.fail('expected a 429');
}

test('requests per minute: the next request past the limit is a 429 naming the limit, key and wait', async () => {
  const rates = limiter();
  const alice = key('alice', { rpm: 3 });
  for (const offset of [0, 10_000, 20_000]) await rates.acquire(alice, 0, t0 + offset);
  const error = await refused(rates.acquire(alice, 0, t0 + 48_000));
  assert.equal(error.message, 'Rate limit of 3 requests per minute reached for key "alice"; try again in 12s.');
  assert.equal(error.retryAfterSeconds, 12);
  assert.deepEqual(error.details, { scope: 'key', name: 'alice', limit: 'requests', value: 3 });
  // On the Responses surface that is a 429 rate_limit_exceeded with Retry-After (Codex waits and retries).
  const encoded = openaiResponsesCodec.encodeError(error.toShape());
  assert.equal(encoded.status, 429);
  assert.equal(encoded.headers['retry-after'], '12');
  assert.equal((encoded.body as { error: { code: string } }).error.code, 'rate_limit_exceeded');
  // Once the first request's minute is over there is room again.
  await rates.acquire(alice, 0, t0 + 60_000);
});

test('a refused request consumes nothing, in its own scope or another', async () => {
  const rates = limiter({ platform: { tpm: 1000 } });
  const alice = key('alice', { rpm: 10 }, 'platform');
  await rates.acquire(alice, 900, t0);
  for (let attempt = 0; attempt < 5; attempt++) await refused(rates.acquire(alice, 200, t0 + 1000));
  // Five refusals by the team's tokens left alice's request count at 1 of 10.
  const ticket = await rates.acquire(alice, 100, t0 + 2000);
  assert.equal(ticket.headers['x-ratelimit-remaining-requests'], '8');
  assert.equal(ticket.headers['x-ratelimit-remaining-tokens'], '0');
});

test('tokens per minute: the estimate is reserved, settle corrects it both ways', async () => {
  const rates = limiter();
  const alice = key('alice', { tpm: 1000 });
  const first = await rates.acquire(alice, 800, t0);
  const error = await refused(rates.acquire(alice, 300, t0 + 1000));
  assert.match(error.message, /^Rate limit of 1000 tokens per minute reached for key "alice" \(this request needs about 300\); try again in 59s\.$/);
  await first.settle(100);
  const second = await rates.acquire(alice, 300, t0 + 2000);
  assert.equal(second.headers['x-ratelimit-remaining-tokens'], '600');
  await second.settle(900); // used more than estimated: 100 + 900 = the whole minute
  await refused(rates.acquire(alice, 1, t0 + 3000));
  await second.settle(900); // settling the same count again changes nothing
  await refused(rates.acquire(alice, 1, t0 + 3000));
});

test('an estimate above the whole token limit waits for an empty window, then runs alone', async () => {
  const rates = limiter();
  const alice = key('alice', { tpm: 1000 });
  await rates.acquire(alice, 10, t0);
  await refused(rates.acquire(alice, 5000, t0 + 1000));
  const big = await rates.acquire(alice, 5000, t0 + 60_000);
  assert.equal(big.headers['x-ratelimit-remaining-tokens'], '0');
  await refused(rates.acquire(alice, 1, t0 + 61_000));
});

test('concurrent requests: held until release, which is idempotent', async () => {
  const rates = limiter();
  const alice = key('alice', { concurrent: 2 });
  const one = await rates.acquire(alice, 0, t0);
  await rates.acquire(alice, 0, t0);
  const error = await refused(rates.acquire(alice, 0, t0));
  assert.equal(error.message, 'Concurrency limit of 2 requests in flight reached for key "alice"; try again in 1s.');
  await one.release();
  await one.release();
  await rates.acquire(alice, 0, t0);
  await refused(rates.acquire(alice, 0, t0));
});

test('team limits are shared by every key of the team, and only that team', async () => {
  const rates = limiter({ platform: { rpm: 2 } });
  await rates.acquire(key('alice', undefined, 'platform'), 0, t0);
  await rates.acquire(key('bob', undefined, 'platform'), 0, t0);
  const error = await refused(rates.acquire(key('alice', undefined, 'platform'), 0, t0 + 1000));
  assert.match(error.message, /^Rate limit of 2 requests per minute reached for team "platform"; try again in 59s\.$/);
  const other = await rates.acquire(key('carol', undefined, 'research'), 0, t0 + 1000);
  assert.deepEqual(other.headers, {});
});

test('headers describe the tightest applicable limit; none when no limit applies', async () => {
  const rates = limiter({ platform: { rpm: 5, tpm: 100_000 } });
  const alice = key('alice', { rpm: 100, tpm: 1000 }, 'platform');
  await rates.acquire(key('bob', undefined, 'platform'), 0, t0);
  await rates.acquire(key('bob', undefined, 'platform'), 0, t0);
  const ticket = await rates.acquire(alice, 400, t0 + 500);
  assert.deepEqual(ticket.headers, {
    'x-ratelimit-limit-requests': '5',
    'x-ratelimit-remaining-requests': '2',
    'x-ratelimit-reset-requests': '1m0s',
    'x-ratelimit-limit-tokens': '1000',
    'x-ratelimit-remaining-tokens': '600',
    'x-ratelimit-reset-tokens': '1m0s',
  });
  assert.deepEqual((await rates.acquire(key('dave'), 10, t0)).headers, {});
  const anonymous = await rates.acquire(undefined, 10, t0);
  assert.deepEqual(anonymous.headers, {});
  await anonymous.settle(5);
  await anonymous.release();
});
