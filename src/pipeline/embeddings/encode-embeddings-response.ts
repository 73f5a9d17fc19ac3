import type { EmbeddingsRequest } from './read-embeddings-request.ts';

/** OpenAI's list shape; `base64` is the little-endian float32 bytes of each vector, as OpenAI sends it. */
export function encodeEmbeddingsResponse(vectors: number[][], request: EmbeddingsRequest, inputTokens: number): unknown {
  return {
    object: 'list',
    data: vectors.map((vector, index) => ({ object: 'embedding', index, embedding: request.encodingFormat === 'base64' ? toBase64(vector) : vector })),
    model: request.model,
    usage: { prompt_tokens: inputTokens, total_tokens: inputTokens },
  };
}

function toBase64(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}
