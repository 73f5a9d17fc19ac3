import { GatewayError } from '../../core/errors.ts';
import type { EmbeddingsApi } from '../../providers/provider-descriptor.ts';
import type { EmbeddingsRequest } from './read-embeddings-request.ts';

/** What every embeddings API answers, read into one shape. */
export interface Embedded {
  vectors: number[][];
  /** Prompt tokens the provider reported; absent = estimated by the caller. */
  inputTokens?: number;
}

/** One upstream call: the JSON body to send, and how to read its answer. */
export interface EmbeddingsCall {
  body: unknown;
  read(answer: unknown): Embedded;
}

/**
 * The calls one embeddings request becomes at a provider API. OpenAI-shaped servers take the
 * request as it is (floats asked for: the gateway encodes base64 itself); Gemini one
 * `batchEmbedContents`; Vertex one `predict` per text; Bedrock Titan one InvokeModel per text, Cohere one
 * for all. Token-array input exists only in OpenAI's shape.
 */
export function embeddingsCalls(api: EmbeddingsApi, request: EmbeddingsRequest, model: string): EmbeddingsCall[] {
  if (api === 'openai') {
    const input = request.input.kind === 'text' ? request.input.texts : request.input.tokens;
    const body = {
      model,
      input,
      encoding_format: 'float',
      ...(request.dimensions ? { dimensions: request.dimensions } : {}),
      ...(request.user ? { user: request.user } : {}),
    };
    return [{ body, read: readOpenai }];
  }
  if (request.input.kind !== 'text') {
    throw new GatewayError({
      code: 'caller_unsupported',
      message: `Token-array input is only accepted by OpenAI-compatible embeddings; ${model} takes text.`,
      param: 'input',
    });
  }
  const texts = request.input.texts;
  if (api === 'gemini') {
    const name = `models/${model.replace(/^models\//, '')}`;
    const requests = texts.map((text) => ({
      model: name,
      content: { parts: [{ text }] },
      ...(request.dimensions ? { outputDimensionality: request.dimensions } : {}),
    }));
    return [{ body: { requests }, read: (answer) => ({ vectors: list(answer, 'embeddings').map((item) => numbers(field(item, 'values'))) }) }];
  }
  if (api === 'vertex') {
    // gemini-embedding-001 takes one instance per predict call: one call per text for every model.
    const parameters = request.dimensions ? { parameters: { outputDimensionality: request.dimensions } } : {};
    return texts.map((content) => ({ body: { instances: [{ content }], ...parameters }, read: readVertex }));
  }
  const base = model.replace(/^(us|eu|apac|global)\./, '');
  if (base.startsWith('cohere.embed')) {
    if (request.dimensions) throw new GatewayError({ code: 'caller_unsupported', message: `${model} takes no \`dimensions\`.`, param: 'dimensions' });
    return [{ body: { texts, input_type: 'search_document' }, read: (answer) => ({ vectors: list(answer, 'embeddings').map(numbers) }) }];
  }
  if (base.startsWith('amazon.titan-embed')) {
    return texts.map((inputText) => ({
      body: { inputText, ...(request.dimensions ? { dimensions: request.dimensions } : {}), normalize: true },
      read: (answer) => {
        const count = field(answer, 'inputTextTokenCount');
        return { vectors: [numbers(field(answer, 'embedding'))], ...(typeof count === 'number' ? { inputTokens: count } : {}) };
      },
    }));
  }
  throw new GatewayError({
    code: 'caller_unsupported',
    message: `${model} is not a Bedrock embeddings model the gateway knows (amazon.titan-embed-*, cohere.embed-*).`,
    param: 'model',
  });
}

function readOpenai(answer: unknown): Embedded {
  const data = list(answer, 'data').slice();
  data.sort((a, b) => Number(field(a, 'index') ?? 0) - Number(field(b, 'index') ?? 0));
  const usage = field(answer, 'usage');
  const prompt = usage === undefined ? undefined : field(usage, 'prompt_tokens');
  return { vectors: data.map((item) => numbers(field(item, 'embedding'))), ...(typeof prompt === 'number' ? { inputTokens: prompt } : {}) };
}

function readVertex(answer: unknown): Embedded {
  let tokens = 0;
  const vectors = list(answer, 'predictions').map((prediction) => {
    const embeddings = field(prediction, 'embeddings');
    const count = field(field(embeddings, 'statistics'), 'token_count');
    if (typeof count === 'number') tokens += count;
    return numbers(field(embeddings, 'values'));
  });
  return { vectors, inputTokens: tokens };
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function list(value: unknown, name: string): unknown[] {
  const items = field(value, name);
  if (!Array.isArray(items)) throw badAnswer(`no \`${name}\` list`);
  return items;
}

function numbers(value: unknown): number[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'number')) throw badAnswer('an embedding that is not a list of numbers');
  return value;
}

function badAnswer(what: string): GatewayError {
  return new GatewayError({ code: 'provider_bad_response', message: `The provider's embeddings answer has ${what}.` });
}
