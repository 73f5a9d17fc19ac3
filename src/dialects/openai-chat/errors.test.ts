import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeError as encodeResponsesError } from '../openai-responses/errors.ts';
import { decodeError, decodeStreamError, encodeError, encodeStreamError } from './errors.ts';
import { fixtureEvents, fixtureJson } from '../../../test/support/dialects/openai-chat.ts';

const noHeaders = new Headers();

describe('decodeError: the shapes Chat servers answer with', () => {
  test('OpenAI 400 unsupported_parameter (recorded) keeps the provider code and param', () => {
    const error = decodeError(400, fixtureJson('error-400-unsupported-parameter.json'), noHeaders);
    assert.equal(error.code, 'caller_invalid_request');
    assert.equal(error.status, 400);
    assert.equal(error.providerCode, 'unsupported_parameter');
    assert.equal(error.param, 'max_tokens');
    assert.match(error.message, /Use 'max_completion_tokens' instead/);
  });

  test('404 model_not_found (recorded) is provider_not_found', () => {
    const error = decodeError(404, fixtureJson('error-404-model-not-found.embeddings.json'), noHeaders);
    assert.equal(error.code, 'provider_not_found');
    assert.match(error.message, /does not exist/);
  });

  test("vLLM's flat error object and its context-length wording", () => {
    const body = {
      object: 'error',
      message: "This model's maximum context length is 32768 tokens. However, you requested 40000 tokens.",
      type: 'BadRequestError',
      param: null,
      code: 400,
    };
    const error = decodeError(400, body, noHeaders);
    assert.equal(error.code, 'caller_context_length_exceeded');
    assert.equal(error.status, 400);
    assert.match(error.message, /maximum context length is 32768/);
  });

  test("context_length_exceeded as a code, and llama.cpp's 'context size' wording", () => {
    assert.equal(
      decodeError(400, { error: { message: 'too long', type: 'invalid_request_error', code: 'context_length_exceeded' } }, noHeaders).code,
      'caller_context_length_exceeded',
    );
    assert.equal(
      decodeError(
        400,
        { error: { code: 400, message: 'the request exceeds the available context size, try increasing it', type: 'exceed_context_size_error' } },
        noHeaders,
      ).code,
      'caller_context_length_exceeded',
    );
  });

  test('Ollama\'s `{"error":"…"}` string keeps its message', () => {
    const error = decodeError(404, { error: 'model "llama9" not found, try pulling it first' }, noHeaders);
    assert.equal(error.code, 'provider_not_found');
    assert.equal(error.message, 'model "llama9" not found, try pulling it first');
    assert.equal(decodeError(400, '{"error":"invalid character \'x\'"}', noHeaders).message, "invalid character 'x'");
  });

  test('FastAPI 422 validation details name the field', () => {
    const error = decodeError(422, { detail: [{ loc: ['body', 'messages', 0, 'role'], msg: 'Input should be user', type: 'literal_error' }] }, noHeaders);
    assert.equal(error.code, 'caller_invalid_request');
    assert.equal(error.status, 400);
    assert.equal(error.message, 'body.messages.0.role: Input should be user');
  });

  test('plain-text bodies', () => {
    const error = decodeError(502, 'Bad Gateway', noHeaders);
    assert.equal(error.code, 'provider_error');
    assert.equal(error.message, 'Bad Gateway');
  });

  test('401/403 are the gateway credentials, never relayed', () => {
    for (const status of [401, 403]) {
      const error = decodeError(
        status,
        { error: { message: 'Incorrect API key provided: sk-abc***xyz1', type: 'invalid_request_error', code: 'invalid_api_key' } },
        noHeaders,
      );
      assert.equal(error.code, 'provider_authentication');
      assert.doesNotMatch(error.message, /sk-/);
    }
  });

  test('429: rate limit with retry-after, insufficient_quota apart; 402 out of credit', () => {
    const limited = decodeError(
      429,
      { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
      new Headers({ 'retry-after': '7' }),
    );
    assert.equal(limited.code, 'provider_rate_limited');
    assert.equal(limited.retryAfterSeconds, 7);
    assert.equal(
      decodeError(429, { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' } }, noHeaders).code,
      'provider_quota_exceeded',
    );
    assert.equal(decodeError(402, { error: { message: 'Insufficient credits', code: 402 } }, noHeaders).code, 'provider_quota_exceeded');
  });

  test('5xx: 500 provider_error, 503 overloaded, 504 timeout', () => {
    assert.equal(decodeError(500, { error: { message: 'boom', type: 'InternalServerError', code: 500 } }, noHeaders).code, 'provider_error');
    assert.equal(decodeError(503, { error: { message: 'busy' } }, new Headers({ 'retry-after': '3' })).code, 'provider_overloaded');
    assert.equal(decodeError(503, { error: { message: 'busy' } }, new Headers({ 'retry-after': '3' })).retryAfterSeconds, 3);
    assert.equal(decodeError(504, '', noHeaders).code, 'provider_timeout');
  });
});

describe('decodeStreamError', () => {
  test("Groq's `event: error` payload (recorded): the model's invalid tool call is a provider error", () => {
    const event = fixtureEvents('groq-midstream-error-event.sse').find((entry) => entry.event === 'error');
    assert.ok(event);
    const shape = decodeStreamError(JSON.parse(event.data));
    assert.equal(shape.code, 'provider_error');
    assert.equal(shape.providerCode, 'tool_use_failed');
    assert.match(shape.message, /^Tool call validation failed/);
  });

  test('a status_code decides like an HTTP status; codes decide without one', () => {
    assert.equal(decodeStreamError({ error: { message: 'slow down', status_code: 429, code: 'rate_limit_exceeded' } }).code, 'provider_rate_limited');
    assert.equal(decodeStreamError({ error: { message: 'x', code: 'server_is_overloaded' } }).code, 'provider_overloaded');
    assert.equal(decodeStreamError({ error: { message: "This model's maximum context length is 8192 tokens" } }).code, 'caller_context_length_exceeded');
    assert.equal(decodeStreamError({ error: { object: 'error', message: 'boom', type: 'InternalServerError', code: 500 } }).code, 'provider_error');
  });
});

describe('encodeError: the Responses surface encoder, shared', () => {
  test('is the same function, with the statuses and codes of the Responses surface', () => {
    assert.equal(encodeError, encodeResponsesError);
    const budget = encodeError({ code: 'policy_budget_exceeded', message: 'Budget of team platform exhausted; resets 2026-12-01.' });
    assert.equal(budget.status, 429);
    assert.deepEqual(budget.body, {
      error: { message: 'Budget of team platform exhausted; resets 2026-12-01.', type: 'insufficient_quota', code: 'insufficient_quota', param: null },
    });
    assert.equal(budget.headers['x-should-retry'], 'false');
    const limited = encodeError({ code: 'policy_rate_limited', message: 'Rate limit reached.', retryAfterSeconds: 2 });
    assert.equal(limited.headers['retry-after'], '2');
    assert.match((limited.body as { error: { message: string } }).error.message, /try again in 2s/);
    assert.deepEqual(encodeStreamError({ code: 'caller_context_length_exceeded', message: 'too long' }), {
      error: { message: 'too long', type: 'invalid_request_error', code: 'context_length_exceeded', param: null },
    });
  });
});
