import type { RequestLogRow } from '../../../src/store/ports.ts';

/** A served, successful request log row; tests override what they look at. */
export function requestLogRow(overrides: Partial<RequestLogRow> = {}): RequestLogRow {
  return {
    requestId: 'req_000000000000000000000001',
    startedAt: '2025-06-01T12:00:00.000Z',
    keyName: 'alice',
    team: 'platform',
    user: null,
    surface: 'openai-responses',
    endpoint: '/v1/responses',
    model: 'smart',
    servedModel: 'claude-opus-4-1',
    provider: 'anthro',
    stream: true,
    status: 200,
    outcome: 'ok',
    errorCode: null,
    errorMessage: null,
    inputTokens: 1200,
    cachedInputTokens: 800,
    cacheWriteTokens: 100,
    outputTokens: 300,
    reasoningTokens: 120,
    usageEstimated: false,
    costMicros: 12_345,
    latencyMs: 1534.5,
    ttfbMs: 420.25,
    attempts: [{ provider: 'anthro', model: 'claude-opus-4-1', status: 200, outcome: 'ok', latencyMs: 1530 }],
    rule: null,
    warnings: [],
    requestBody: null,
    responseBody: null,
    ...overrides,
  };
}
