import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { errorStatus, type ErrorCode } from '../../core/errors.ts';
import { decodeError, encodeError } from './errors.ts';
import { readJsonFixture, recordingOf } from '../../../test/support/dialects/gemini.ts';

function googleError(code: number, status: string, message: string, details?: unknown[]): unknown {
  return { error: { code, message, status, ...(details ? { details } : {}) } };
}

describe('Gemini errors → gateway errors', () => {
  test('error-429-resource-exhausted.json: rate limited, retry after RetryInfo 34.4s rounded up', () => {
    const error = decodeError(429, readJsonFixture('error-429-resource-exhausted.json'), new Headers());
    assert.equal(error.code, 'provider_rate_limited');
    assert.equal(error.retryAfterSeconds, 35);
    assert.equal(error.providerType, 'RESOURCE_EXHAUSTED');
    assert.equal(error.message, 'You exceeded your current quota, please check your plan.');
  });

  test('error-404-not-found.recording.json: provider_not_found with the message', () => {
    const { status, segments } = recordingOf('error-404-not-found.recording.json');
    const error = decodeError(status, segments[0], new Headers({ 'content-type': 'text/event-stream' }));
    assert.equal(error.code, 'provider_not_found');
    assert.match(error.message, /^models\/custom-gemini-2\.0-flash is not found/);
  });

  const cases: Array<[number, string, string, ErrorCode]> = [
    [400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Unknown name "foo"', 'caller_invalid_request'],
    [400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', 'provider_authentication'],
    [400, 'INVALID_ARGUMENT', 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).', 'caller_context_length_exceeded'],
    [400, 'FAILED_PRECONDITION', 'User location is not supported for the API use.', 'provider_authentication'],
    [401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.', 'provider_authentication'],
    [403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers.", 'provider_authentication'],
    [404, 'NOT_FOUND', 'models/x is not found', 'provider_not_found'],
    [500, 'INTERNAL', 'An internal error has occurred.', 'provider_error'],
    [503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.', 'provider_overloaded'],
    [504, 'DEADLINE_EXCEEDED', 'Deadline exceeded', 'provider_timeout'],
  ];
  for (const [status, canonical, message, code] of cases) {
    test(`${status} ${canonical} "${message.slice(0, 30)}…" → ${code}`, () => {
      assert.equal(decodeError(status, googleError(status, canonical, message), new Headers()).code, code);
    });
  }

  test("a rejected upstream key says it is the gateway's and never relays Google's text; a location or billing precondition keeps its words", () => {
    const invalid = decodeError(400, googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.'), new Headers());
    assert.deepEqual(
      [invalid.code, invalid.message, invalid.providerType],
      ['provider_authentication', "The upstream rejected the gateway's credentials (HTTP 400).", 'INVALID_ARGUMENT'],
    );
    assert.equal(
      decodeError(403, googleError(403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers."), new Headers()).message,
      "The upstream rejected the gateway's credentials (HTTP 403).",
    );
    const location = decodeError(400, googleError(400, 'FAILED_PRECONDITION', 'User location is not supported for the API use.'), new Headers());
    assert.deepEqual([location.code, location.message], ['provider_authentication', 'User location is not supported for the API use.']);
  });

  test('a 429 whose only quota is per day is a quota failure (falls back, no retry)', () => {
    const body = googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }] },
    ]);
    assert.equal(decodeError(429, body, new Headers()).code, 'provider_quota_exceeded');
  });

  test('ErrorInfo API_KEY_INVALID is an upstream credential failure; its reason is kept', () => {
    const body = googleError(400, 'INVALID_ARGUMENT', 'bad', [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
    ]);
    const error = decodeError(400, body, new Headers());
    assert.equal(error.code, 'provider_authentication');
    assert.equal(error.providerCode, 'API_KEY_INVALID');
  });

  test('without RetryInfo the retry-after header is used on 429/503; bodies may be strings, arrays or junk', () => {
    assert.equal(decodeError(503, JSON.stringify(googleError(503, 'UNAVAILABLE', 'busy')), new Headers({ 'retry-after': '7' })).retryAfterSeconds, 7);
    assert.equal(decodeError(500, [googleError(500, 'INTERNAL', 'array stream')], new Headers()).message, 'array stream');
    const junk = decodeError(502, '<html>Bad gateway</html>', new Headers());
    assert.equal(junk.code, 'provider_error');
    assert.equal(junk.message, '<html>Bad gateway</html>');
    assert.equal(decodeError(418, undefined, new Headers()).message, 'Gemini answered HTTP 418.');
  });
});

describe('gateway errors → Google error bodies', () => {
  const expected: Partial<Record<ErrorCode, [number, string]>> = {
    caller_invalid_request: [400, 'INVALID_ARGUMENT'],
    caller_request_too_large: [413, 'INVALID_ARGUMENT'],
    policy_invalid_api_key: [401, 'UNAUTHENTICATED'],
    policy_model_not_allowed: [403, 'PERMISSION_DENIED'],
    policy_model_not_found: [404, 'NOT_FOUND'],
    policy_rate_limited: [429, 'RESOURCE_EXHAUSTED'],
    provider_error: [502, 'UNAVAILABLE'],
    provider_overloaded: [503, 'UNAVAILABLE'],
    provider_timeout: [504, 'DEADLINE_EXCEEDED'],
    gateway_internal: [500, 'INTERNAL'],
  };
  for (const [code, [status, canonical]] of Object.entries(expected) as Array<[ErrorCode, [number, string]]>) {
    test(`${code} → ${status} ${canonical}`, () => {
      const encoded = encodeError({ code, message: 'm' });
      assert.equal(encoded.status, status);
      assert.deepEqual(encoded.body, { error: { code: status, message: 'm', status: canonical } });
    });
  }

  test('every code encodes with the contract status (413 stays 413)', () => {
    for (const code of Object.keys(errorStatus) as ErrorCode[]) {
      const encoded = encodeError({ code, message: 'x' });
      const contract = errorStatus[code];
      assert.equal(encoded.status, contract, code);
    }
  });

  test('a rate limit carries retry-after and a RetryInfo detail Gemini CLI reads', () => {
    const encoded = encodeError({ code: 'policy_rate_limited', message: 'Slow down.', retryAfterSeconds: 12.2 });
    assert.deepEqual(encoded.headers, { 'retry-after': '13' });
    assert.deepEqual(encoded.body, {
      error: {
        code: 429,
        message: 'Slow down.',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '13s' }],
      },
    });
  });

  test('an exhausted budget names a daily quota (no client retry) and sends no retry-after', () => {
    const encoded = encodeError({ code: 'policy_budget_exceeded', message: 'Budget of team a exhausted until 2026-12-01.', retryAfterSeconds: 3600 });
    assert.deepEqual(encoded.headers, {});
    const details = (encoded.body as { error: { details: Array<{ violations: Array<{ quotaId: string }> }> } }).error.details;
    assert.match(details[0]?.violations[0]?.quotaId ?? '', /PerDay/);
  });

  test('decoding an encoded error gives the matching upstream code back (own output, read by our own decoder)', () => {
    const pairs: Array<[ErrorCode, ErrorCode]> = [
      ['policy_rate_limited', 'provider_rate_limited'],
      ['provider_overloaded', 'provider_overloaded'],
      ['provider_timeout', 'provider_timeout'],
      ['caller_invalid_request', 'caller_invalid_request'],
      ['policy_model_not_found', 'provider_not_found'],
      ['policy_budget_exceeded', 'provider_quota_exceeded'],
    ];
    for (const [code, back] of pairs) {
      const encoded = encodeError({ code, message: 'round trip', retryAfterSeconds: 3 });
      const decoded = decodeError(encoded.status, encoded.body, new Headers(encoded.headers));
      assert.equal(decoded.code, back, code);
    }
    assert.equal(decodeError(429, encodeError({ code: 'policy_rate_limited', message: 'r', retryAfterSeconds: 3 }).body, new Headers()).retryAfterSeconds, 3);
  });
});
