/**
 * A `fetch` for OpenAI SDK clients in e2e tests that checks what the gateway sent against
 * OpenAI's published schema before the SDK sees it: Responses events and objects, Chat chunks
 * and completions, and error bodies. Violations are collected (a throw inside `fetch` would
 * reach the test as an opaque connection error); `assertClean()` fails the test on any.
 */
import assert from 'node:assert/strict';
import { SseDecoder } from '../../src/core/sse-decoder.ts';
import { assertMatchesOpenAiSchema, assertValidChatChunks, assertValidResponsesEvents } from './openai-schema.ts';

export interface SchemaCheckedFetch {
  fetch: typeof fetch;
  /** Payloads validated so far (so a test can show the check ran). */
  readonly checked: number;
  assertClean(): void;
}

export function schemaCheckedFetch(): SchemaCheckedFetch {
  const violations: string[] = [];
  let checked = 0;
  const checkedFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const text = await response.text();
    try {
      checkOpenAiBody(url.pathname, response.status, response.headers.get('content-type') ?? '', text);
      checked++;
    } catch (error) {
      violations.push(`${url.pathname}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return {
    fetch: checkedFetch,
    get checked() {
      return checked;
    },
    assertClean() {
      const found = violations.splice(0);
      assert.deepEqual(found, [], `the gateway sent bodies OpenAI's schema rejects:\n${found.join('\n\n')}`);
    },
  };
}

/** Validates one body the gateway sent on `/v1/responses` or `/v1/chat/completions`. */
export function checkOpenAiBody(pathname: string, status: number, contentType: string, text: string): void {
  if (status >= 400) {
    assertMatchesOpenAiSchema('ErrorResponse', JSON.parse(text), `${pathname} HTTP ${status}`);
    return;
  }
  const chat = pathname.endsWith('/chat/completions');
  if (!chat && !pathname.endsWith('/responses')) return;
  if (contentType.includes('text/event-stream')) {
    const decoder = new SseDecoder();
    const data = [...decoder.push(text), ...decoder.finish()].map((event) => event.data);
    if (chat) assertValidChatChunks(data, pathname);
    else assertValidResponsesEvents(data, pathname);
    return;
  }
  assertMatchesOpenAiSchema(chat ? 'CreateChatCompletionResponse' : 'Response', JSON.parse(text), pathname);
}
