// Mistral La Plateforme front for tests (POST /v1/chat/completions): refuses tool-call ids that
// are not exactly nine letters and digits, in Mistral's error shape, and `developer` messages;
// everything else is the Chat emulator's (vllm flavor: system/user/assistant/tool, function
// tools) behind it. Standalone: no imports from src/.
import type { ServerResponse } from 'node:http';
import { isPlainObject, startFakeServer, writeJson } from './fake-http.ts';
import { forwardToEmulator } from './forward-to-emulator.ts';
import type { RecordedRequest } from './scenario.ts';

export type MistralEmulator = { url: string; requests: RecordedRequest[]; close(): Promise<void> };

const mistralError = (response: ServerResponse, status: number, message: string, type = 'invalid_request_error', code = '3230') =>
  writeJson(response, status, { object: 'error', message, type, param: null, code });

export async function startMistralEmulator(options: { apiKey: string; chat: { url: string; apiKey: string } }): Promise<MistralEmulator> {
  const requests: RecordedRequest[] = [];
  const server = await startFakeServer(async (request, response) => {
    if (request.method !== 'POST' || request.url !== '/v1/chat/completions') return mistralError(response, 404, 'Not Found', 'not_found', '1000');
    if (request.headers.authorization !== `Bearer ${options.apiKey}`) return writeJson(response, 401, { message: 'Unauthorized', request_id: 'a1b2c3' });
    const body = request.body;
    if (!isPlainObject(body) || !Array.isArray(body.messages)) return mistralError(response, 422, 'Invalid request body');
    for (const message of body.messages) {
      if (message?.role === 'developer')
        return mistralError(response, 422, "Input should be 'system', 'user', 'assistant' or 'tool'", 'invalid_request_message_order');
      const ids: unknown[] = [
        ...(message?.tool_calls ?? []).map((call: { id?: unknown }) => call.id),
        ...(message?.role === 'tool' ? [message.tool_call_id] : []),
      ];
      for (const id of ids) {
        if (typeof id !== 'string' || !/^[a-zA-Z0-9]{9}$/.test(id)) {
          return mistralError(
            response,
            400,
            `Tool call id was ${String(id)} but must be a-z, A-Z, 0-9, with a length of 9.`,
            'invalid_request_message_order',
            '3280',
          );
        }
      }
    }
    const inner = await forwardToEmulator(`${options.chat.url}/chat/completions`, { authorization: `Bearer ${options.chat.apiKey}` }, body);
    response.writeHead(inner.status, { 'content-type': inner.headers.get('content-type') ?? 'application/json' });
    if (inner.body) for await (const chunk of inner.body as unknown as AsyncIterable<Uint8Array>) response.write(chunk);
    response.end();
  }, requests);
  return { url: `${server.origin}/v1`, requests, close: () => server.close() };
}
