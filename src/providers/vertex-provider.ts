import { createGoogleAccessToken } from './google-access-token.ts';
import { baseHeaders, type ProviderDescriptor } from './provider-descriptor.ts';
import { vertexBaseUrl, vertexCloud, vertexModelsUrl, vertexModelUrl } from './vertex-url.ts';

/**
 * Gemini on Vertex AI (`type: vertex`): the Gemini dialect at
 * `…/projects/{project}/locations/{region}/publishers/google/models/{model}:streamGenerateContent?alt=sse`,
 * with an OAuth2 bearer token (service-account file or application-default credentials).
 */
export const vertexProvider: ProviderDescriptor = {
  type: 'vertex',
  dialect: 'gemini',
  family: 'gemini',
  keyEnv: [],
  requiresKey: false,
  fromEnvironment: false,
  modelPrefixes: [],
  genAiSystem: 'gcp.vertex_ai',
  defaultContextWindow: 1_048_576,
  regionalBaseUrl: vertexBaseUrl,
  cloud: vertexCloud,
  prepare: (settings, call) => ({
    url: vertexModelUrl(settings, 'google', call.model, call.stream ? 'streamGenerateContent?alt=sse' : 'generateContent'),
    headers: baseHeaders(settings, call.stream),
  }),
  probe: (settings) => ({ url: vertexModelsUrl(settings, 'google'), headers: {} }),
  createTransport: (settings) => {
    const accessToken = createGoogleAccessToken(settings);
    return {
      finish: async (call) => ({ url: call.url, headers: { ...call.headers, authorization: `Bearer ${await accessToken()}` }, body: call.body }),
    };
  },
};
