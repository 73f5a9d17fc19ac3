import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { errorStatus, type ErrorCode } from '../../core/errors.ts';
import { decodeError, encodeError } from './errors.ts';
import { readJsonFixture } from '../../../test/support/dialects/anthropic-messages.ts';

const body = (type: string, message: string) => ({ type: 'error', error: { type, message } });

describe('decoding Anthropic HTTP errors', () => {
  test('recorded 400 and 404 bodies', () => {
    const invalid = decodeError(400, readJsonFixture('error-400-invalid-request.json'), new Headers());
    assert.equal(invalid.code, 'caller_invalid_request');
    assert.equal(invalid.message, "This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium.");
    assert.equal(invalid.providerType, 'invalid_request_error');
    const missing = decodeError(404, readJsonFixture('error-404-not-found.json'), new Headers());
    assert.deepEqual([missing.code, missing.message, missing.status], ['provider_not_found', 'model: claude-does-not-exist', 404]);
  });

  test('status and type table', () => {
    const cases: Array<[number, unknown, ErrorCode]> = [
      [400, body('invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'), 'caller_context_length_exceeded'],
      [400, body('invalid_request_error', 'input length and `max_tokens` exceed context limit: 190000 + 32000 > 200000'), 'caller_context_length_exceeded'],
      [401, body('authentication_error', 'invalid x-api-key'), 'provider_authentication'],
      [403, body('permission_error', 'no access'), 'provider_authentication'],
      [402, body('billing_error', 'credit balance too low'), 'provider_quota_exceeded'],
      [413, body('request_too_large', 'Request exceeds the maximum size'), 'caller_request_too_large'],
      [429, body('rate_limit_error', 'slow down'), 'provider_rate_limited'],
      [500, body('api_error', 'Internal server error'), 'provider_error'],
      [529, body('overloaded_error', 'Overloaded'), 'provider_overloaded'],
      [504, body('timeout_error', 'timeout'), 'provider_timeout'],
      [503, 'upstream connect error', 'provider_overloaded'],
      [502, '<html>bad gateway</html>', 'provider_error'],
      [529, undefined, 'provider_overloaded'],
    ];
    for (const [status, payload, code] of cases) assert.equal(decodeError(status, payload, new Headers()).code, code, `${status} ${JSON.stringify(payload)}`);
  });

  test("a rejected upstream credential says it is the gateway's, never relays Anthropic's text", () => {
    // Relayed, "invalid x-api-key" makes Claude Code report "Invalid API key · Fix external API key" to its user.
    const rejected = decodeError(401, body('authentication_error', 'invalid x-api-key'), new Headers());
    assert.deepEqual(
      [rejected.code, rejected.message, rejected.providerType],
      ['provider_authentication', "The upstream rejected the gateway's credentials (HTTP 401).", 'authentication_error'],
    );
    assert.equal(
      decodeError(403, body('permission_error', 'Your API key does not have permission'), new Headers()).message,
      "The upstream rejected the gateway's credentials (HTTP 403).",
    );
  });

  test('a JSON string body is read like an object; retry-after is kept for 429', () => {
    const error = decodeError(429, JSON.stringify(body('rate_limit_error', 'Number of requests exceeded')), new Headers({ 'retry-after': '17' }));
    assert.deepEqual([error.code, error.message, error.retryAfterSeconds], ['provider_rate_limited', 'Number of requests exceeded', 17]);
    assert.equal(decodeError(429, {}, new Headers({ 'retry-after-ms': '1500' })).retryAfterSeconds, 2);
    assert.equal(decodeError(400, {}, new Headers({ 'retry-after': '5' })).retryAfterSeconds, undefined);
  });
});

describe('encoding gateway errors for Anthropic clients', () => {
  test('statuses and Anthropic error types', () => {
    const cases: Array<[ErrorCode, number, string]> = [
      ['caller_invalid_request', 400, 'invalid_request_error'],
      ['caller_context_length_exceeded', 400, 'invalid_request_error'],
      ['policy_invalid_api_key', 401, 'authentication_error'],
      ['policy_model_not_allowed', 403, 'permission_error'],
      ['policy_model_not_found', 404, 'not_found_error'],
      ['caller_request_too_large', 413, 'request_too_large'],
      ['policy_rate_limited', 429, 'rate_limit_error'],
      ['provider_overloaded', 529, 'overloaded_error'],
      ['gateway_unavailable', 503, 'overloaded_error'],
      ['gateway_budget_store_unavailable', 503, 'overloaded_error'],
      ['provider_timeout', 504, 'timeout_error'],
      ['gateway_internal', 500, 'api_error'],
      ['routing_all_targets_failed', 502, 'api_error'],
    ];
    for (const [code, status, type] of cases) {
      const encoded = encodeError({ code, message: `m ${code}` });
      assert.equal(encoded.status, status, code);
      assert.deepEqual(encoded.body, { type: 'error', error: { type, message: `m ${code}` } });
    }
  });

  test('every code has an Anthropic form', () => {
    for (const code of Object.keys(errorStatus) as ErrorCode[]) assert.ok(encodeError({ code, message: 'x' }).status >= 400, code);
  });

  test('rate limits carry retry-after; an exhausted budget says when it resets and tells clients not to retry', () => {
    assert.deepEqual(encodeError({ code: 'provider_rate_limited', message: 'wait', retryAfterSeconds: 2.2 }).headers, { 'retry-after': '3' });
    const budget = encodeError({ code: 'policy_budget_exceeded', message: 'Budget for team platform exhausted; resets 2026-12-01.', retryAfterSeconds: 3600 });
    assert.equal(budget.status, 429);
    assert.deepEqual(budget.body, { type: 'error', error: { type: 'rate_limit_error', message: 'Budget for team platform exhausted; resets 2026-12-01.' } });
    assert.deepEqual(budget.headers, { 'retry-after': '3600', 'x-should-retry': 'false' });
  });

  test('a rejected upstream credential is a 502 that tells clients not to retry; other 5xx stay retryable', () => {
    const credential = encodeError({ code: 'provider_authentication', message: "The upstream rejected the gateway's credentials (HTTP 401)." });
    assert.equal(credential.status, 502);
    assert.deepEqual(credential.headers, { 'x-should-retry': 'false' });
    assert.deepEqual(encodeError({ code: 'provider_error', message: 'boom' }).headers, {});
    assert.deepEqual(encodeError({ code: 'routing_no_healthy_target', message: 'circuit open' }).headers, {});
  });
});
