import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { invalidRequest, isGatewayError } from '../../core/errors.ts';
import { responsesSurface } from '../../dialects/openai-responses/index.ts';
import { asGatewayError, parseJsonBody, readBody, sendError, sendJson } from '../client-io.ts';
import type { Gateway } from '../gateway.ts';
import { handleModelRequest } from '../handle-model-request.ts';
import { ExchangeResponse } from '../exchange/exchange-response.ts';
import { syntheticRequest } from '../exchange/synthetic-request.ts';
import { continuationHooks } from './continuation-hooks.ts';
import { readCredential } from '../../policy/read-credential.ts';
import { inputItems } from './responses-continuation.ts';

/** What the target model is asked to write: a hand-over another model can continue from. */
export const compactionPrompt = [
  'You are performing a CONTEXT CHECKPOINT COMPACTION. Summarize the conversation above into a hand-over note for',
  'another assistant that will continue the same task without seeing the conversation: the goal, what has been done',
  '(files, commands and their results), decisions and constraints, what is still open, and the next step. Be concise;',
  'keep exact names, paths and values. Answer with the note only.',
].join(' ');

/** The prefix that marks the summary message in a compacted history. */
export const compactionSummaryPrefix = 'Summary of the earlier conversation (compacted):\n';

/**
 * `POST /v1/responses/compact` for every provider: one summarization call on the target model
 * (through the whole pipe: auth, budgets, limits, guardrails, routing, the log row), answered
 * in OpenAI's `response.compaction` shape. The compacted history keeps the user's messages and
 * adds the summary as one more user message, which every provider can read (OpenAI's own
 * answer carries an encrypted `compaction` item only OpenAI can read).
 */
export async function handleCompact(gateway: Gateway, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const requestId = `req_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
  response.setHeader('x-request-id', requestId);
  let body: Record<string, unknown>;
  try {
    // The caller is known before its body is read (the pipe re-checks the key for the call itself).
    await gateway.current.keys.authenticate(readCredential(request.headers, url.searchParams));
    const limits = gateway.config.server;
    const parsed = parseJsonBody(await readBody(request, limits.maxBodyBytes, limits.bodyIdleTimeoutMs));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidRequest('The request body must be a JSON object.');
    body = parsed as Record<string, unknown>;
    if (typeof body.model !== 'string' || body.model === '') throw invalidRequest('`model` is required and must be a non-empty string.', 'model');
  } catch (error) {
    return void sendError(response, responsesSurface.codec, asGatewayError(error, requestId), requestId);
  }
  const input = inputItems(body.input);
  const summarize: Record<string, unknown> = {
    model: body.model,
    input: [...input, { type: 'message', role: 'user', content: [{ type: 'input_text', text: compactionPrompt }] }],
    stream: false,
    store: false,
  };
  for (const field of ['previous_response_id', 'instructions', 'prompt_cache_key'])
    if (body[field] !== undefined && body[field] !== null) summarize[field] = body[field];

  const chunks: Buffer[] = [];
  let status = 0;
  let headers: Record<string, string> = {};
  const inner = new ExchangeResponse({
    head: (code, head) => {
      status = code;
      headers = head;
    },
    data: (chunk, done) => {
      chunks.push(chunk);
      done();
    },
    end: () => undefined,
  });
  const summarizeBody = Buffer.from(JSON.stringify(summarize));
  try {
    await handleModelRequest(
      gateway,
      responsesSurface,
      syntheticRequest(request.headers, summarizeBody, '/v1/responses'),
      inner.asServerResponse(),
      url,
      continuationHooks(gateway),
    );
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    return void sendError(response, responsesSurface.codec, error, requestId);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (status !== 200) {
    // The pipe's own error answer (401, 429 quota, 400…), passed on as it is.
    response.writeHead(status, { ...headers, 'x-request-id': headers['x-request-id'] ?? requestId });
    return void response.end(text);
  }
  const answer = JSON.parse(text) as Record<string, unknown>;
  const summary = outputText(answer.output);
  const kept = input.filter(isUserMessage).map((item, index) => asOutputMessage(item as Record<string, unknown>, `msg_${requestId.slice(4)}_${index}`));
  sendJson(
    response,
    200,
    {
      id: typeof answer.id === 'string' ? answer.id : `resp_${requestId.slice(4)}`,
      object: 'response.compaction',
      created_at: typeof answer.created_at === 'number' ? answer.created_at : Math.floor(Date.now() / 1000),
      output: [...kept, asOutputMessage({ role: 'user', content: `${compactionSummaryPrefix}${summary}` }, `msg_${requestId.slice(4)}_summary`)],
      usage: answer.usage ?? { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
    },
    pickHeaders(headers),
  );
}

function isUserMessage(item: unknown): boolean {
  if (!item || typeof item !== 'object') return false;
  const fields = item as Record<string, unknown>;
  return (fields.type === 'message' || fields.type === undefined) && fields.role === 'user';
}

/** A user message as an output item of OpenAI's schema: an id, a status, content as parts. */
function asOutputMessage(item: Record<string, unknown>, id: string): Record<string, unknown> {
  const content = typeof item.content === 'string' ? [{ type: 'input_text', text: item.content }] : Array.isArray(item.content) ? item.content : [];
  return { id: typeof item.id === 'string' ? item.id : id, type: 'message', status: 'completed', role: 'user', content };
}

function outputText(output: unknown): string {
  if (!Array.isArray(output)) return '';
  const texts: string[] = [];
  for (const item of output as Array<Record<string, unknown>>) {
    if (item?.type !== 'message' || !Array.isArray(item.content)) continue;
    for (const part of item.content as Array<Record<string, unknown>>) if (part?.type === 'output_text' && typeof part.text === 'string') texts.push(part.text);
  }
  return texts.join('\n').trim();
}

/** The summarization call's own headers that describe the answer (which model served it, rate limits). */
function pickHeaders(headers: Record<string, string>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (name.startsWith('x-switchyard-') || name.startsWith('x-ratelimit-') || name === 'x-request-id') picked[name] = value;
  return picked;
}
