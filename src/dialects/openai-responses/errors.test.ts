import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorCode, GatewayErrorShape } from '../../core/errors.ts';
import { decodeError, decodeResponseFailure, encodeError, encodeFailedEventCode } from './errors.ts';
import { fixtureJson } from '../../../test/support/dialects/openai-responses.ts';

function encoded(code: ErrorCode, extra: Partial<GatewayErrorShape> = {}) {
  const result = encodeError({ code, message: 'Something happened.', ...extra });
  return { ...result, error: (result.body as { error: Record<string, unknown> }).error };
}

describe('encodeError: the Responses surface of contract.md §4', () => {
  const table: Array<[ErrorCode, number, string, string | null]> = [
    ['caller_invalid_request', 400, 'invalid_request_error', null],
    ['policy_invalid_api_key', 401, 'invalid_request_error', 'invalid_api_key'],
    ['policy_model_not_allowed', 403, 'invalid_request_error', 'model_not_allowed'],
    ['policy_model_not_found', 404, 'invalid_request_error', 'model_not_found'],
    ['caller_request_too_large', 413, 'invalid_request_error', 'request_too_large'],
    ['policy_rate_limited', 429, 'rate_limit_exceeded', 'rate_limit_exceeded'],
    ['provider_rate_limited', 429, 'rate_limit_exceeded', 'rate_limit_exceeded'],
    ['policy_budget_exceeded', 429, 'insufficient_quota', 'insufficient_quota'],
    ['provider_quota_exceeded', 429, 'insufficient_quota', 'insufficient_quota'],
    ['policy_secret_detected', 400, 'invalid_prompt', 'secret_detected'],
    ['caller_context_length_exceeded', 400, 'invalid_request_error', 'context_length_exceeded'],
    ['provider_overloaded', 503, 'server_error', 'server_is_overloaded'],
    ['provider_timeout', 504, 'server_error', 'upstream_timeout'],
    ['routing_all_targets_failed', 502, 'server_error', 'upstream_error'],
    ['provider_error', 502, 'server_error', 'upstream_error'],
    ['gateway_internal', 500, 'server_error', 'server_error'],
    ['gateway_budget_store_unavailable', 503, 'server_error', 'budget_store_unavailable'],
  ];
  for (const [code, status, type, wireCode] of table) {
    test(`${code} → ${status} ${type}/${String(wireCode)}`, () => {
      const result = encoded(code, { param: 'input[3].call_id' });
      assert.equal(result.status, status);
      assert.deepEqual(result.error, { message: 'Something happened.', type, code: wireCode, param: 'input[3].call_id' });
    });
  }

  test('rate limits carry retry-after and the "try again in Ns" sentence Codex parses', () => {
    const result = encoded('policy_rate_limited', { retryAfterSeconds: 2.2 });
    assert.equal(result.headers['retry-after'], '3');
    assert.equal(result.error.message, 'Something happened. Please try again in 3s.');
    assert.match(String(result.error.message), /try again in\s*(\d+(?:\.\d+)?)\s*(s|ms|seconds?)/);
    const already = encoded('provider_rate_limited', { message: 'Limit hit, try again in 20s.', retryAfterSeconds: 20 });
    assert.equal(already.error.message, 'Limit hit, try again in 20s.');
  });

  test('budget and quota say do not retry', () => {
    assert.equal(encoded('policy_budget_exceeded').headers['x-should-retry'], 'false');
    assert.equal(encoded('provider_quota_exceeded').headers['x-should-retry'], 'false');
    assert.equal(encoded('provider_error').headers['x-should-retry'], undefined);
  });

  test('an explicit status wins; an OpenAI-style provider code survives on caller faults only', () => {
    assert.equal(encoded('provider_error', { status: 503 }).status, 503);
    assert.equal(encoded('caller_invalid_request', { providerCode: 'decimal_below_min_value' }).error.code, 'decimal_below_min_value');
    assert.equal(encoded('caller_invalid_request', { providerCode: 'INVALID_ARGUMENT' }).error.code, null);
    assert.equal(encoded('provider_error', { providerCode: 'weird' }).error.code, 'upstream_error');
  });
});

describe('encodeFailedEventCode: codes Codex classifies', () => {
  const table: Array<[ErrorCode, string]> = [
    ['caller_context_length_exceeded', 'context_length_exceeded'],
    ['policy_budget_exceeded', 'insufficient_quota'],
    ['provider_quota_exceeded', 'insufficient_quota'],
    ['policy_rate_limited', 'rate_limit_exceeded'],
    ['provider_rate_limited', 'rate_limit_exceeded'],
    ['provider_overloaded', 'server_is_overloaded'],
    ['policy_secret_detected', 'invalid_prompt'],
    ['caller_content_policy', 'invalid_prompt'],
    ['provider_error', 'server_error'],
    ['provider_timeout', 'server_error'],
    ['gateway_internal', 'server_error'],
  ];
  for (const [code, wire] of table) {
    test(`${code} → ${wire}`, () => assert.equal(encodeFailedEventCode({ code, message: 'x' }), wire));
  }
});

describe('decodeError: upstream OpenAI errors', () => {
  const noHeaders = new Headers();

  test('error-400-invalid-param.json: a caller fault keeping param and provider code', () => {
    const error = decodeError(400, fixtureJson('error-400-invalid-param.json'), noHeaders);
    assert.equal(error.code, 'caller_invalid_request');
    assert.equal(error.status, 400);
    assert.equal(error.param, 'temperature');
    assert.equal(error.providerCode, 'decimal_below_min_value');
    assert.equal(error.providerType, 'invalid_request_error');
    assert.match(error.message, /decimal below minimum value/);
    // Relayed to a Responses client, the precise code survives.
    assert.equal((encodeError(error.toShape()).body as { error: { code: string } }).error.code, 'decimal_below_min_value');
  });

  test('error-400-model-not-found.json: an unknown upstream model is provider_not_found', () => {
    const error = decodeError(400, fixtureJson('error-400-model-not-found.json'), noHeaders);
    assert.equal(error.code, 'provider_not_found');
    assert.equal(error.providerCode, 'model_not_found');
  });

  test('error-400-no-tool-output.deepseek.json: a plain 400', () => {
    const error = decodeError(400, fixtureJson('error-400-no-tool-output.deepseek.json'), noHeaders);
    assert.equal(error.code, 'caller_invalid_request');
    assert.equal(error.message, 'No tool output found for tool call call-a.');
  });

  test('error-429-insufficient-quota.json: quota, not a rate limit', () => {
    const error = decodeError(429, fixtureJson('error-429-insufficient-quota.json'), new Headers({ 'retry-after': '5' }));
    assert.equal(error.code, 'provider_quota_exceeded');
    assert.equal(error.failureClass, 'quota');
  });

  test('429 rate limits read the delay from retry-after, retry-after-ms or the message', () => {
    const body = { error: { message: 'Rate limit reached. Please try again in 1.5s.', type: 'requests', code: 'rate_limit_exceeded', param: null } };
    assert.equal(decodeError(429, body, new Headers({ 'retry-after': '12' })).retryAfterSeconds, 12);
    assert.equal(decodeError(429, body, new Headers({ 'retry-after-ms': '250' })).retryAfterSeconds, 0.25);
    const fromMessage = decodeError(429, body, noHeaders);
    assert.equal(fromMessage.code, 'provider_rate_limited');
    assert.equal(fromMessage.retryAfterSeconds, 1.5);
    assert.equal(decodeError(429, { error: { message: 'try again in 300ms' } }, noHeaders).retryAfterSeconds, 0.3);
  });

  test('context length, auth, overload and server errors', () => {
    const context = decodeError(
      400,
      { error: { message: 'maximum context length is 128000 tokens', type: 'invalid_request_error', code: 'context_length_exceeded', param: 'input' } },
      noHeaders,
    );
    assert.equal(context.code, 'caller_context_length_exceeded');
    const auth = decodeError(
      401,
      { error: { message: 'Incorrect API key provided: sk-proj-abc***************xyz1.', type: 'invalid_request_error', code: 'invalid_api_key' } },
      noHeaders,
    );
    assert.equal(auth.code, 'provider_authentication');
    assert.equal(auth.status, 502);
    assert.doesNotMatch(auth.message, /sk-/);
    assert.equal(decodeError(403, {}, noHeaders).code, 'provider_authentication');
    assert.equal(decodeError(404, { error: { message: 'nope', code: 'model_not_found' } }, noHeaders).code, 'provider_not_found');
    assert.equal(decodeError(503, { error: { message: 'busy', code: 'server_is_overloaded' } }, noHeaders).code, 'provider_overloaded');
    assert.equal(decodeError(500, { error: { message: 'oops', type: 'server_error' } }, noHeaders).code, 'provider_error');
    assert.equal(decodeError(502, 'Bad gateway', noHeaders).message, 'Bad gateway');
  });

  test('secrets quoted in upstream messages are not copied', () => {
    const error = decodeError(
      400,
      { error: { message: 'Bad header Authorization: Bearer sk-live-1234567890abcdef', type: 'invalid_request_error' } },
      noHeaders,
    );
    assert.doesNotMatch(error.message, /1234567890/);
  });
});

describe('decodeResponseFailure: errors inside a stream', () => {
  test('nested error event, flat error event and response.failed error objects', () => {
    const nested = decodeResponseFailure({ type: 'error', error: { type: 'insufficient_quota', code: 'insufficient_quota', message: 'Quota', param: null } });
    assert.equal(nested.code, 'provider_quota_exceeded');
    assert.equal(nested.providerType, 'insufficient_quota');
    const flat = decodeResponseFailure({ type: 'error', code: 'server_is_overloaded', message: 'Busy', param: null });
    assert.equal(flat.code, 'provider_overloaded');
    const failed = decodeResponseFailure({ code: 'rate_limit_exceeded', message: 'Limit. Please try again in 4s.' });
    assert.deepEqual(failed, {
      code: 'provider_rate_limited',
      message: 'Limit. Please try again in 4s.',
      providerCode: 'rate_limit_exceeded',
      retryAfterSeconds: 4,
    });
    assert.equal(decodeResponseFailure({ code: 'server_error', message: 'x' }).code, 'provider_error');
    assert.equal(decodeResponseFailure({ code: 'invalid_prompt', message: 'x' }).code, 'caller_content_policy');
  });
});
