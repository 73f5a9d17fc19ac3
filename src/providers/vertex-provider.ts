import { anthropicCloudBody } from './anthropic-cloud-body.ts';
import { createGoogleAccessToken } from './google-access-token.ts';
import { baseHeaders, type ProviderDescriptor } from './provider-descriptor.ts';
import { vertexBaseUrl, vertexCloud, vertexModelsUrl, vertexModelUrl } from './vertex-url.ts';

/** Claude on Vertex is published by Anthropic; every other model by Google. */
const isClaude = (model: string) => /^claude-/.test(model);

/**
 * Vertex AI (`type: vertex`), OAuth2 bearer tokens from a service-account file or
 * application-default credentials:
 * - Gemini: the Gemini dialect at `…/projects/{project}/locations/{location}/publishers/google/models/{model}:streamGenerateContent?alt=sse`
 *   (`:generateContent` whole); embeddings through `:predict`.
 * - Claude (`claude-*` model ids, e.g. `claude-sonnet-4-5@20250929`): the Anthropic Messages
 *   dialect at `…/publishers/anthropic/models/{model}:streamRawPredict` (`:rawPredict`), the body
 *   with `anthropic_version: "vertex-2023-10-16"` and no model; betas stay headers.
 */
export const vertexProvider: ProviderDescriptor = {
  type: 'vertex',
  dialect: 'gemini',
  family: 'gemini',
  modelDialect: (model) => (isClaude(model) ? { dialect: 'anthropic-messages', family: 'anthropic' } : undefined),
  keyEnv: [],
  requiresKey: false,
  fromEnvironment: false,
  modelPrefixes: [],
  genAiSystem: 'gcp.vertex_ai',
  defaultContextWindow: 1_048_576,
  regionalBaseUrl: vertexBaseUrl,
  cloud: vertexCloud,
  prepare: (settings, call) => ({
    url: isClaude(call.model)
      ? vertexModelUrl(settings, 'anthropic', call.model, call.stream ? 'streamRawPredict' : 'rawPredict')
      : vertexModelUrl(settings, 'google', call.model, call.stream ? 'streamGenerateContent?alt=sse' : 'generateContent'),
    headers: baseHeaders(settings, call.stream),
  }),
  embeddings: {
    api: 'vertex',
    prepare: (settings, model) => ({ url: vertexModelUrl(settings, 'google', model, 'predict'), headers: baseHeaders(settings, false) }),
  },
  probe: (settings) => ({ url: vertexModelsUrl(settings, 'google'), headers: {} }),
  createTransport: (settings) => {
    const accessToken = createGoogleAccessToken(settings);
    return {
      authorizeProbe: async (probe) => ({ ...probe.headers, authorization: `Bearer ${await accessToken()}` }),
      credentialsHint: `providers.${settings.name}.credentials_file (a service-account key) or application-default credentials, and its project / location`,
      finish: async (call) => {
        const adapted =
          isClaude(call.model) && !call.embeddings
            ? anthropicCloudBody(call.body, call.headers, { version: 'vertex-2023-10-16', streamInBody: true, betasInBody: false })
            : { body: call.body, headers: call.headers };
        return { url: call.url, headers: { ...adapted.headers, authorization: `Bearer ${await accessToken()}` }, body: adapted.body };
      },
    };
  },
};
