// Strict OpenAI embeddings emulator (POST /v1/embeddings) on 127.0.0.1 for tests. Rejects what
// OpenAI rejects (no bearer key, a missing or non-string model, a missing, empty or non-string
// input) in OpenAI's error envelope. Vectors are deterministic bags of hashed words (unit length),
// so prompts that differ in a word or two are close (cosine ~0.9) and unrelated prompts are far.
// Standalone: no imports from src/.
import { createHash } from 'node:crypto';
import { startFakeServer, writeJson, isPlainObject, describeJsonType } from './fake-http.ts';
import { invalidType, missingParameter, openAIError, type OpenAIRejection } from './openai-error.ts';
import type { RecordedRequest } from './scenario.ts';

export type EmbeddingsEmulator = { url: string; requests: RecordedRequest[]; close(): Promise<void> };

const dimensions = 256;

export function bagOfWords(text: string): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    const digest = createHash('sha256').update(word).digest();
    vector[digest.readUInt16BE(0) % dimensions]! += digest[2]! & 1 ? 1 : -1;
  }
  const length = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
  return vector.map((value) => value / length);
}

export async function startEmbeddingsEmulator(options: { apiKey?: string } = {}): Promise<EmbeddingsEmulator> {
  const apiKey = options.apiKey ?? 'sk-embeddings-test';
  const requests: RecordedRequest[] = [];
  const server = await startFakeServer((request, response) => {
    const reject = (rejection: OpenAIRejection) => writeJson(response, rejection.status, rejection.body, rejection.headers ?? {});
    if (request.method !== 'POST' || request.url.split('?')[0] !== '/v1/embeddings') return reject(openAIError(404, 'Not found'));
    if (request.headers['authorization'] !== `Bearer ${apiKey}`) return reject(openAIError(401, 'Incorrect API key provided.', { code: 'invalid_api_key' }));
    const body = request.body;
    if (!isPlainObject(body)) return reject(openAIError(400, 'We could not parse the JSON body of your request.'));
    if (body.model === undefined) return reject(missingParameter('model'));
    if (typeof body.model !== 'string') return reject(invalidType('model', 'a string', describeJsonType(body.model)));
    if (body.input === undefined) return reject(missingParameter('input'));
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((input) => typeof input === 'string' && input !== '')) {
      return reject(
        openAIError(400, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", { param: 'input' }),
      );
    }
    writeJson(response, 200, {
      object: 'list',
      data: inputs.map((input: string, index: number) => ({ object: 'embedding', index, embedding: bagOfWords(input) })),
      model: body.model,
      usage: { prompt_tokens: inputs.join(' ').split(/\s+/).length, total_tokens: inputs.join(' ').split(/\s+/).length },
    });
  }, requests);
  return { url: `${server.origin}/v1`, requests, close: server.close };
}
