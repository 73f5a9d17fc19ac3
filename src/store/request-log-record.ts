import type { ColumnDecoding } from './column-decoding.ts';
import type { RequestLogRow } from './ports.ts';

/** A `request_logs` row (snake_case columns, the same in every backend) as the port's RequestLogRow. */
export function requestLogRowFromRecord(record: Record<string, unknown>, decode: ColumnDecoding): RequestLogRow {
  const text = (column: string) => (record[column] as string | null | undefined) ?? null;
  const number = (column: string, fallback = 0) => Number(record[column] ?? fallback);
  return {
    requestId: record['request_id'] as string,
    startedAt: record['started_at'] as string,
    keyName: text('key_name'),
    team: text('team'),
    user: text('user_name'),
    surface: record['surface'] as string,
    endpoint: record['endpoint'] as string,
    model: text('model'),
    servedModel: text('served_model'),
    provider: text('provider'),
    stream: decode.boolean(record['stream']),
    status: number('status'),
    outcome: record['outcome'] as RequestLogRow['outcome'],
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    inputTokens: number('input_tokens'),
    cachedInputTokens: number('cached_input_tokens'),
    cacheWriteTokens: number('cache_write_tokens'),
    outputTokens: number('output_tokens'),
    reasoningTokens: number('reasoning_tokens'),
    usageEstimated: decode.boolean(record['usage_estimated']),
    costMicros: number('cost_micros'),
    latencyMs: number('latency_ms'),
    ttfbMs: record['ttfb_ms'] === null || record['ttfb_ms'] === undefined ? null : number('ttfb_ms'),
    attempts: decode.json<RequestLogRow['attempts']>(record['attempts'], []),
    rule: text('rule'),
    warnings: decode.json<string[]>(record['warnings'], []),
    requestBody: text('request_body'),
    responseBody: text('response_body'),
    attributes: decode.json<Record<string, string>>(record['attributes'], {}),
    tags: decode.json<string[]>(record['tags'], []),
    experiment: text('experiment'),
    variant: text('variant'),
    cache: (record['cache'] as RequestLogRow['cache'] | undefined) ?? 'bypass',
    costSavedMicros: number('cost_saved_micros'),
    promptCacheSavedMicros: number('prompt_cache_saved_micros'),
  };
}
