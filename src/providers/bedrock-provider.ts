import { isClaudeModel } from '../dialects/bedrock-converse/index.ts';
import { anthropicCloudBody } from './anthropic-cloud-body.ts';
import { createAwsEventStreamReframer, sseEvent, type AwsStreamMessage } from './aws-event-stream.ts';
import { createAwsRequestSigner } from './aws-request-signer.ts';
import { bedrockError, bedrockErrorMessage, bedrockErrorType } from './bedrock-error.ts';
import { bedrockBaseUrl, bedrockCloud, bedrockModelUrl, eventStreamType } from './bedrock-url.ts';
import { baseHeaders, type ProviderDescriptor } from './provider-descriptor.ts';

import { converseToSse } from './bedrock-converse-stream.ts';
import type { ProviderSettings } from './provider-descriptor.ts';

/**
 * Which Bedrock API a model is called through: InvokeModel with the Anthropic Messages body for
 * Claude (`anthropic.claude-…`, any inference-profile prefix or ARN), Converse for every other
 * model, and for Claude too when the provider sets `quirks.bedrock_api: converse`.
 */
export function usesConverse(model: string, settings: Pick<ProviderSettings, 'quirks'>): boolean {
  return !isClaudeModel(model) || settings.quirks?.bedrock_api === 'converse';
}

/** A stream exception as the Anthropic `error` event its decoders and clients know. */
const anthropicErrorTypes: Record<string, string> = {
  throttlingexception: 'rate_limit_error',
  validationexception: 'invalid_request_error',
  serviceunavailableexception: 'overloaded_error',
  modelnotreadyexception: 'overloaded_error',
  modeltimeoutexception: 'timeout_error',
};

/** InvokeModelWithResponseStream: each `chunk` event's base64 `bytes` hold one Anthropic SSE event's JSON. */
function chunkToSse(message: AwsStreamMessage): string {
  if (message.messageType === 'event') {
    if (message.type !== 'chunk') return '';
    const bytes = (message.payload as { bytes?: unknown } | undefined)?.bytes;
    if (typeof bytes !== 'string') return '';
    const json = Buffer.from(bytes, 'base64').toString('utf8');
    const type = (JSON.parse(json) as { type?: unknown }).type;
    return `event: ${typeof type === 'string' ? type : 'message'}\ndata: ${json}\n\n`;
  }
  const text = typeof message.payload === 'string' ? message.payload : (bedrockErrorMessage(message.payload) ?? message.type);
  return sseEvent('error', { type: 'error', error: { type: anthropicErrorTypes[message.type.toLowerCase()] ?? 'api_error', message: text } });
}

/**
 * Amazon Bedrock (`type: bedrock`), SigV4-signed, the model (id or cross-region inference
 * profile such as `us.anthropic.claude-sonnet-4-5-20250929-v1:0`) in the URL:
 * - Claude through InvokeModel: the Anthropic Messages dialect, the body with
 *   `anthropic_version: "bedrock-2023-05-31"` and the betas as `anthropic_beta`; streams arrive in
 *   the AWS event stream and are reframed into Anthropic SSE.
 * - Every other model (and Claude with `quirks.bedrock_api: converse`) through Converse /
 *   ConverseStream: the bedrock-converse dialect; each event-stream message is reframed as one
 *   SSE event holding the ConverseStream output member.
 */
export const bedrockProvider: ProviderDescriptor = {
  type: 'bedrock',
  dialect: 'anthropic-messages',
  family: 'anthropic',
  modelDialect: (model, settings) =>
    usesConverse(model, settings) ? { dialect: 'bedrock-converse', family: isClaudeModel(model) ? 'anthropic' : 'openai-compatible' } : undefined,
  keyEnv: [],
  requiresKey: false,
  fromEnvironment: false,
  modelPrefixes: [],
  genAiSystem: 'aws.bedrock',
  defaultContextWindow: 200_000,
  regionalBaseUrl: bedrockBaseUrl,
  cloud: bedrockCloud,
  prepare: (settings, call) => ({
    url: usesConverse(call.model, settings)
      ? bedrockModelUrl(settings.baseUrl, call.model, call.stream ? 'converse-stream' : 'converse')
      : bedrockModelUrl(settings.baseUrl, call.model, call.stream ? 'invoke-with-response-stream' : 'invoke'),
    headers: { ...baseHeaders(settings, call.stream), accept: call.stream ? eventStreamType : 'application/json' },
  }),
  probe: (settings) => ({ url: `${settings.baseUrl.replace('bedrock-runtime.', 'bedrock.')}/foundation-models`, headers: {} }),
  embeddings: {
    api: 'bedrock',
    prepare: (settings, model) => ({ url: bedrockModelUrl(settings.baseUrl, model, 'invoke'), headers: baseHeaders(settings, false) }),
  },
  createTransport: (settings) => {
    const sign = createAwsRequestSigner(settings, 'bedrock');
    return {
      streamContentType: eventStreamType,
      authorizeProbe: (probe) => sign({ ...probe, method: 'GET' }),
      credentialsHint: `providers.${settings.name}.access_key_id / secret_access_key, or the AWS chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, SSO, roles) and providers.${settings.name}.region`,
      finish: async (call) => {
        // Embeddings and Converse bodies go as encoded (the model is in the URL); only the signature is added.
        if (call.embeddings || usesConverse(call.model, settings)) return { url: call.url, headers: await sign(call), body: call.body };
        const adapted = anthropicCloudBody(call.body, call.headers, { version: 'bedrock-2023-05-31', streamInBody: false, betasInBody: true });
        return { url: call.url, headers: await sign({ url: call.url, headers: adapted.headers, body: adapted.body }), body: adapted.body };
      },
      createStreamReframer: (call) => createAwsEventStreamReframer(settings.name, usesConverse(call.model, settings) ? converseToSse : chunkToSse),
      decodeError: (status, body, headers) => bedrockError(bedrockErrorType(headers, body), bedrockErrorMessage(body), status),
    };
  },
};
