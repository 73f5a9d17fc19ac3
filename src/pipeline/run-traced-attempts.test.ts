import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { GatewayError } from '../core/errors.ts';
import type { TargetConfig } from '../config/runtime-config.ts';
import type { RequestSpan } from '../observability/tracing.ts';
import type { GatewayRuntime } from './gateway-runtime.ts';
import { RequestContext } from './request-context.ts';
import { runTracedAttempts } from './run-traced-attempts.ts';
import { providersFor, singleTryRouter } from '../../test/support/pipeline/attempt-loop-stubs.ts';

test('each attempt is a child span ending with its status or error code; the fallback count stays on the context', async () => {
  const plan = [
    { provider: 'oai', model: 'gpt-x' },
    { provider: 'anthro', model: 'claude' },
  ] as TargetConfig[];
  const runtime = { router: singleTryRouter, providers: providersFor(plan) } as unknown as GatewayRuntime;
  const ended: unknown[][] = [];
  const span = {
    startAttempt: (provider: string, model: string) => ({
      end: (status: number | null, error?: unknown) => ended.push([provider, model, status, error]),
      traceparent: () => undefined,
    }),
    end: () => undefined,
  } as RequestSpan;
  const response = { headersSent: false } as ServerResponse;
  const context = new RequestContext('openai-chat', '/v1/embeddings');
  const seen: number[] = [];
  await runTracedAttempts(
    runtime,
    context,
    plan,
    {} as never,
    new AbortController().signal,
    response,
    span,
    async (_provider, _target, fallbackCount) => {
      seen.push(fallbackCount);
      if (fallbackCount === 0) throw new GatewayError({ code: 'provider_overloaded', message: 'Provider "oai" answered HTTP 503.' });
      context.status = 200;
    },
    undefined,
  );
  assert.deepEqual(seen, [0, 1]);
  assert.equal(context.fallbacks, 1);
  assert.deepEqual(ended, [
    ['oai', 'gpt-x', 503, { code: 'provider_overloaded' }],
    ['anthro', 'claude', 200, undefined],
  ]);
});
