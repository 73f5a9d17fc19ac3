import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestBody } from '../../core/request-body.ts';
import { dialects } from '../../dialects/registry.ts';
import { defaultCache } from '../../config/cache-config.ts';
import { buildCacheStoreConfig } from '../../config/cache-config.ts';
import { RequestContext } from '../request-context.ts';
import { consultCache } from './request-cache.ts';
import type { ResponseCache } from './response-cache.ts';

/** A body that fails the test if anything parses it. */
class UnparsableBody extends RequestBody {
  override fields(): Record<string, unknown> {
    throw new Error('the body was parsed');
  }
}

test('cache off (the default): no lookup, no parse, no hashing, no tap on the response', async () => {
  const cache = {
    find: () => assert.fail('looked up'),
    keep: () => assert.fail('stored'),
  } as unknown as ResponseCache;
  const response = { write: 'untouched' } as unknown as ServerResponse;
  const context = new RequestContext('openai-responses', '/v1/responses');
  context.model = 'gpt-5';
  for (const config of [{ models: {} }, { models: {}, cache: { defaults: defaultCache, teams: {}, store: buildCacheStoreConfig(undefined), anyOn: false } }]) {
    const result = await consultCache({
      cache,
      config,
      surface: dialects['openai-responses'],
      context,
      body: new UnparsableBody(Buffer.from('{"model":"gpt-5","input":"hi"}')),
      request: { headers: { 'cache-control': 'max-age=60', 'x-switchyard-cache': 'refresh' } } as unknown as IncomingMessage,
      response,
      alias: 'gpt-5',
      targets: [],
      providers: new Map(),
      upstream: undefined as never,
      signal: new AbortController().signal,
    });
    assert.equal(result, undefined);
  }
  assert.equal(context.cacheResult, 'bypass');
  assert.equal((response as unknown as { write: string }).write, 'untouched');
});
