/**
 * The cells of `npm run bench` (issue #21): what each target is sent, where, and how a correct
 * answer is recognised. Request bodies are written once to files (wrk POSTs a file); the 38 KB
 * Codex body is the captured request (`fixtures/codex-request.json`), and its Chat twin carries
 * the same instructions, messages and function tools as Chat Completions members.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRANSLATED_DELTAS } from './mock-dialect-bodies.ts';
import { MOCK_MODEL, PACED_MODEL } from './mock-upstream.ts';
import { GATEWAY_CLIENT_KEY } from './start-gateway.ts';

const benchDir = new URL('.', import.meta.url).pathname;

export type Surface = 'responses' | 'chat';
export type Mode = 'json' | 'sse';
export type BodySize = 'small' | 'codex';

/** What one target of a cell is sent. */
export interface TargetRequest {
  path: string;
  bodyFile: string;
  body: Buffer;
  headers: Record<string, string>;
  /** A complete answer contains this (checked by the preflight and the undici loader). */
  marker: string;
}

export interface CellSpec {
  name: string;
  group: 'passthrough' | 'translated' | 'ttfb';
  generator: 'wrk' | 'undici';
  concurrency: number;
  floor: 'floor' | 'parsing-floor';
  /** Per target (the floor and 'switchyard'; 'baseline' is sent what switchyard is). */
  requests: Record<string, TargetRequest>;
  eventsPerStream?: number;
}

interface CodexRequest {
  model: string;
  instructions?: string;
  input: { type: string; role?: string; content?: { type: string; text?: string }[] }[];
  tools: { type: string; name?: string; description?: string; parameters?: unknown }[];
}

/** The Codex request as Chat Completions: developer turns as system messages, function tools as Chat tools. */
export function chatTwin(codex: CodexRequest, stream: boolean): Record<string, unknown> {
  const messages: { role: string; content: string }[] = [];
  if (codex.instructions) messages.push({ role: 'system', content: codex.instructions });
  for (const item of codex.input) {
    if (item.type !== 'message' || !item.content) continue;
    const text = item.content.map((part) => part.text ?? '').join('\n');
    messages.push({ role: item.role === 'developer' ? 'system' : (item.role ?? 'user'), content: text });
  }
  const tools = codex.tools
    .filter((tool) => tool.type === 'function' && tool.name)
    .map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description ?? '', parameters: tool.parameters ?? { type: 'object' } },
    }));
  return { model: 'bench-chat', messages, tools, tool_choice: 'auto', stream, ...(stream ? { stream_options: { include_usage: true } } : {}) };
}

const SMALL_TEXT = 'Say hello in five words.';
/** The last words of the answer (JSON) or the terminal event (SSE) of each dialect. */
const MARKERS = {
  responses: { json: 'a strict schema.', sse: 'response.completed' },
  chat: { json: 'a strict schema.', sse: '[DONE]' },
} as const;

export function buildCells(workDir: string, options: { concurrencies: number[] }): { cells: CellSpec[]; soak: TargetRequest[] } {
  const codexText = readFileSync(join(benchDir, 'fixtures', 'codex-request.json'), 'utf8');
  const codexHeaders = JSON.parse(readFileSync(join(benchDir, 'fixtures', 'codex-headers.json'), 'utf8')) as Record<string, string>;
  const codex = JSON.parse(codexText) as CodexRequest;
  if (!codexText.includes('"stream":true')) throw new Error('bench/fixtures/codex-request.json has no "stream":true to flip');
  let files = 0;
  const request = (path: string, body: string, headers: Record<string, string>, marker: string): TargetRequest => {
    const bodyFile = join(workDir, `body-${files++}.json`);
    const bytes = Buffer.from(body);
    writeFileSync(bodyFile, bytes);
    return { path, bodyFile, body: bytes, headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_CLIENT_KEY}`, ...headers }, marker };
  };
  const bodyFor = (surface: Surface, size: BodySize, mode: Mode): string => {
    const stream = mode === 'sse';
    if (surface === 'responses') {
      return size === 'codex' ? codexText.replace('"stream":true', `"stream":${stream}`) : JSON.stringify({ model: MOCK_MODEL, input: SMALL_TEXT, stream });
    }
    return JSON.stringify(
      size === 'codex'
        ? chatTwin(codex, stream)
        : { model: 'bench-chat', messages: [{ role: 'user', content: SMALL_TEXT }], stream, ...(stream ? { stream_options: { include_usage: true } } : {}) },
    );
  };
  const cells: CellSpec[] = [];
  const passthrough: Record<string, TargetRequest> = {};
  for (const surface of ['responses', 'chat'] as const) {
    for (const mode of ['json', 'sse'] as const) {
      for (const size of ['small', 'codex'] as const) {
        const path = surface === 'responses' ? '/v1/responses' : '/v1/chat/completions';
        const headers = {
          accept: mode === 'sse' ? 'text/event-stream' : 'application/json',
          ...(surface === 'responses' && size === 'codex' ? codexHeaders : {}),
        };
        const one = request(path, bodyFor(surface, size, mode), headers, MARKERS[surface][mode]);
        passthrough[`${surface} ${mode} ${size}`] = one;
        for (const concurrency of options.concurrencies) {
          cells.push({
            name: `${surface} ${mode} ${size} C=${concurrency}`,
            group: 'passthrough',
            generator: 'wrk',
            concurrency,
            floor: 'floor',
            requests: { floor: one, switchyard: one },
          });
        }
      }
    }
  }
  // Time to first chunk: the Codex stream from an upstream that waits before each event.
  const paced = request(
    '/v1/responses',
    codexText.replace(`"model":"${MOCK_MODEL}"`, `"model":"${PACED_MODEL}"`),
    { accept: 'text/event-stream', ...codexHeaders },
    'response.completed',
  );
  cells.push({
    name: 'responses sse codex paced C=1',
    group: 'ttfb',
    generator: 'undici',
    concurrency: 1,
    floor: 'floor',
    requests: { floor: paced, switchyard: paced },
  });
  // Translated: a Responses client on an Anthropic or Gemini model, against a floor that sends
  // the same stream through untranslated but parses and re-serializes every event.
  const translatedClient = (model: string) =>
    request('/v1/responses', JSON.stringify({ model, input: SMALL_TEXT, stream: true }), { accept: 'text/event-stream' }, 'response.completed');
  const anthropicFloor = request(
    '/v1/messages',
    JSON.stringify({ model: MOCK_MODEL, max_tokens: 1024, messages: [{ role: 'user', content: SMALL_TEXT }], stream: true }),
    { accept: 'text/event-stream', 'anthropic-version': '2023-06-01' },
    'message_stop',
  );
  const geminiFloor = request(
    `/v1beta/models/${MOCK_MODEL}:streamGenerateContent?alt=sse`,
    JSON.stringify({ contents: [{ role: 'user', parts: [{ text: SMALL_TEXT }] }] }),
    { accept: 'text/event-stream' },
    'STOP',
  );
  for (const concurrency of options.concurrencies) {
    cells.push({
      name: `responses ⇄ anthropic sse C=${concurrency}`,
      group: 'translated',
      generator: 'wrk',
      concurrency,
      floor: 'parsing-floor',
      requests: { 'parsing-floor': anthropicFloor, switchyard: translatedClient('bench-claude') },
      eventsPerStream: TRANSLATED_DELTAS.length + 5,
    });
    cells.push({
      name: `responses ⇄ gemini sse C=${concurrency}`,
      group: 'translated',
      generator: 'wrk',
      concurrency,
      floor: 'parsing-floor',
      requests: { 'parsing-floor': geminiFloor, switchyard: translatedClient('bench-gemini') },
      eventsPerStream: TRANSLATED_DELTAS.length,
    });
  }
  return { cells, soak: [passthrough['responses sse codex']!, passthrough['responses json codex']!] };
}
