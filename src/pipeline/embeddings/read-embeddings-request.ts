import { GatewayError, invalidRequest } from '../../core/errors.ts';

/** `POST /v1/embeddings` as OpenAI defines it, checked. */
export interface EmbeddingsRequest {
  model: string;
  /** Texts, or token arrays (only OpenAI-shaped servers take those). */
  input: { kind: 'text'; texts: string[] } | { kind: 'tokens'; tokens: number[][] };
  encodingFormat: 'float' | 'base64';
  dimensions?: number;
  user?: string;
}

const maxInputs = 2048;

export function readEmbeddingsRequest(raw: Buffer): EmbeddingsRequest {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (cause) {
    throw new GatewayError({ code: 'caller_invalid_request', message: 'The request body is not valid JSON.', cause });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidRequest('The request body must be a JSON object.');
  const { model, input, encoding_format: encodingFormat, dimensions, user, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw invalidRequest(`Unrecognized request argument supplied: ${unknown}`, unknown);
  if (typeof model !== 'string' || model.trim() === '') throw invalidRequest('`model` is required and must be a non-empty string.', 'model');
  if (encodingFormat !== undefined && encodingFormat !== 'float' && encodingFormat !== 'base64') {
    throw invalidRequest("`encoding_format` must be 'float' or 'base64'.", 'encoding_format');
  }
  if (dimensions !== undefined && (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1)) {
    throw invalidRequest('`dimensions` must be a positive integer.', 'dimensions');
  }
  if (user !== undefined && typeof user !== 'string') throw invalidRequest('`user` must be a string.', 'user');
  return {
    model,
    input: readInput(input),
    encodingFormat: encodingFormat ?? 'float',
    ...(dimensions !== undefined ? { dimensions } : {}),
    ...(user !== undefined ? { user } : {}),
  };
}

function readInput(input: unknown): EmbeddingsRequest['input'] {
  const invalid = () => invalidRequest('`input` must be a string, an array of strings, an array of integers or an array of integer arrays.', 'input');
  const tokenArray = (value: unknown): value is number[] =>
    Array.isArray(value) && value.length > 0 && value.every((token) => typeof token === 'number' && Number.isInteger(token) && token >= 0);
  if (typeof input === 'string') {
    if (input.length === 0) throw invalidRequest('`input` must not be empty.', 'input');
    return { kind: 'text', texts: [input] };
  }
  if (!Array.isArray(input) || input.length === 0) throw invalid();
  if (input.length > maxInputs) throw invalidRequest(`\`input\` may hold at most ${maxInputs} items.`, 'input');
  if (input.every((item) => typeof item === 'string')) {
    if (input.some((item) => item.length === 0)) throw invalidRequest('`input` must not hold empty strings.', 'input');
    return { kind: 'text', texts: input };
  }
  if (tokenArray(input)) return { kind: 'tokens', tokens: [input] };
  if (input.every(tokenArray)) return { kind: 'tokens', tokens: input };
  throw invalid();
}
