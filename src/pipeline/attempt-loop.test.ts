import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../core/errors.ts';
import type { ConfiguredProvider as Provider } from '../config/runtime-config.ts';
import type { TargetConfig } from '../config/runtime-config.ts';
import { runAttemptLoop } from './attempt-loop.ts';
import { RequestContext } from './request-context.ts';
import { providersFor, singleTryRouter } from '../../test/support/pipeline/attempt-loop-stubs.ts';

const router = singleTryRouter;

test('when every target fails, the error tells each attempt without upstream body text', async () => {
  const plan = [
    { provider: 'oai', model: 'gpt-x' },
    { provider: 'anthro', model: 'claude' },
    { provider: 'gem', model: 'gemini' },
  ] as TargetConfig[];
  const providers = providersFor(plan);
  const failures = [
    new GatewayError({ code: 'provider_overloaded', message: 'secret body text', providerType: 'server_error', details: { upstreamStatus: 503 } }),
    new GatewayError({ code: 'provider_timeout', message: 'Provider "anthro" timed out (first byte after 30 s).' }),
    new GatewayError({ code: 'provider_bad_response', message: 'html <b>portal</b>', details: { upstreamStatus: 200 } }),
  ];
  const context = new RequestContext('openai-responses', '/v1/responses');
  let index = 0;
  await assert.rejects(
    runAttemptLoop({
      context,
      router,
      providers,
      plan,
      features: {} as never,
      signal: new AbortController().signal,
      committed: () => false,
      attempt: async () => {
        throw failures[index++];
      },
    }),
    (error: GatewayError) => {
      console.log(error.message);
      assert.equal(
        error.message,
        'All 3 attempts failed: oai/gpt-x: HTTP 503 overloaded (server_error); anthro/claude: timeout (first byte after 30 s); gem/gemini: HTTP 200 bad_response.',
      );
      assert.equal(error.code, 'provider_bad_response');
      assert.equal(error.cause, failures[2]);
      assert.equal(error.message.includes('secret'), false);
      return true;
    },
  );
  assert.equal(context.attempts.length, 3);
});

test('one failed attempt keeps its own error', async () => {
  const failure = new GatewayError({ code: 'provider_overloaded', message: 'Provider "oai" answered HTTP 503.' });
  const plan = [{ provider: 'oai', model: 'gpt-x' }] as TargetConfig[];
  const providers = new Map([['oai', { config: { name: 'oai' } } as unknown as Provider]]);
  const context = new RequestContext('openai-responses', '/v1/responses');
  await assert.rejects(
    runAttemptLoop({
      context,
      router,
      providers,
      plan,
      features: {} as never,
      signal: new AbortController().signal,
      committed: () => false,
      attempt: async () => {
        throw failure;
      },
    }),
    (error) => error === failure,
  );
});

test('a hedged pair that fails on both sides tells each attempt, then the loop goes on to the next target', async () => {
  const plan = [
    { provider: 'oai', model: 'gpt-x' },
    { provider: 'anthro', model: 'claude' },
    { provider: 'gem', model: 'gemini' },
  ] as TargetConfig[];
  const providers = providersFor(plan);
  const failures: Record<string, GatewayError> = {
    oai: new GatewayError({ code: 'provider_overloaded', message: 'x', details: { upstreamStatus: 503 } }),
    anthro: new GatewayError({ code: 'provider_overloaded', message: 'y', details: { upstreamStatus: 529 } }),
    gem: new GatewayError({ code: 'provider_overloaded', message: 'z', details: { upstreamStatus: 500 } }),
  };
  const context = new RequestContext('openai-responses', '/v1/responses');
  const tried: string[] = [];
  await assert.rejects(
    runAttemptLoop({
      context,
      router,
      providers,
      plan,
      features: {} as never,
      signal: new AbortController().signal,
      committed: () => false,
      hedge: { afterMs: 10_000, inputBytes: 100 },
      attempt: async (provider) => {
        tried.push(provider.config.name);
        throw failures[provider.config.name];
      },
    }),
    (error: GatewayError) => {
      assert.equal(
        error.message,
        'All 3 attempts failed: oai/gpt-x: HTTP 503 overloaded; anthro/claude: HTTP 529 overloaded; gem/gemini: HTTP 500 overloaded.',
      );
      return true;
    },
  );
  // The first failure started the second at once (no waiting for hedge_after_ms), then the third ran alone.
  assert.deepEqual(tried, ['oai', 'anthro', 'gem']);
  assert.deepEqual(
    context.attempts.map((attempt) => attempt.provider),
    ['oai', 'anthro', 'gem'],
  );
});
