import type { ConfiguredProvider as Provider } from '../../config/runtime-config.ts';
import { GatewayError } from '../../core/errors.ts';
import type { UpstreamClient } from '../../upstream/upstream-client.ts';
import { parseUpstreamJson, readBoundedBody } from '../../upstream/read-bounded-body.ts';
import type { EmbeddingsPort } from './embeddings-port.ts';

/** Provider types whose API has OpenAI's `POST /embeddings` beside their model endpoint. */
export const embeddingsProviderTypes = new Set(['openai', 'openai-compatible']);

/**
 * The semantic cache's embeddings over OpenAI's `POST {base_url}/embeddings` (OpenAI and
 * OpenAI-compatible servers), with the provider's own credentials and the gateway's upstream pool.
 */
export class OpenAiEmbeddings implements EmbeddingsPort {
  constructor(
    private readonly provider: Provider,
    private readonly model: string,
    private readonly upstream: UpstreamClient,
  ) {}

  async embed(text: string, signal: AbortSignal): Promise<number[]> {
    const prepared = this.provider.prepare({ model: this.model, stream: false });
    const url = prepared.url.replace(/\/(responses|chat\/completions)$/, '/embeddings');
    const answer = await this.upstream.send(this.provider.config, {
      url,
      headers: { ...prepared.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ model: this.model, input: text }),
      signal,
    });
    const body = parseUpstreamJson(await readBoundedBody(answer, this.provider.config, 8 * 1024 * 1024), this.provider.config) as {
      data?: Array<{ embedding?: unknown }>;
    };
    const vector = body?.data?.[0]?.embedding;
    if (answer.statusCode !== 200 || !Array.isArray(vector) || !vector.every((value) => typeof value === 'number')) {
      throw new GatewayError({ code: 'provider_bad_response', message: `embeddings from ${this.provider.config.name}: HTTP ${answer.statusCode}, no vector` });
    }
    return vector as number[];
  }
}
