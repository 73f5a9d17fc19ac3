import { anthropicCloudBody } from './anthropic-cloud-body.ts';
import { createGoogleAccessToken } from './google-access-token.ts';
import { baseHeaders, type ProviderDescriptor } from './provider-descriptor.ts';
import { vertexBaseUrl, vertexCloud, vertexModelsUrl, vertexModelUrl } from './vertex-url.ts';

/**
 * Claude on Vertex AI (`type: vertex-anthropic`): the Anthropic Messages dialect at
 * `…/publishers/anthropic/models/{model}:streamRawPredict` (`:rawPredict` whole), the body with
 * `anthropic_version: "vertex-2023-10-16"` and no model; OAuth2 bearer token as for `vertex`.
 */
export const vertexAnthropicProvider: ProviderDescriptor = {
  type: 'vertex-anthropic',
  dialect: 'anthropic-messages',
  family: 'anthropic',
  keyEnv: [],
  requiresKey: false,
  fromEnvironment: false,
  modelPrefixes: [],
  genAiSystem: 'gcp.vertex_ai',
  defaultContextWindow: 200_000,
  regionalBaseUrl: vertexBaseUrl,
  cloud: vertexCloud,
  prepare: (settings, call) => ({
    url: vertexModelUrl(settings, 'anthropic', call.model, call.stream ? 'streamRawPredict' : 'rawPredict'),
    headers: baseHeaders(settings, call.stream),
  }),
  probe: (settings) => ({ url: vertexModelsUrl(settings, 'anthropic'), headers: {} }),
  createTransport: (settings) => {
    const accessToken = createGoogleAccessToken(settings);
    return {
      finish: async (call) => {
        const adapted = anthropicCloudBody(call.body, call.headers, { version: 'vertex-2023-10-16', streamInBody: true, betasInBody: false });
        return { url: call.url, headers: { ...adapted.headers, authorization: `Bearer ${await accessToken()}` }, body: adapted.body };
      },
    };
  },
};
