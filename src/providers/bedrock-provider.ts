import { GatewayError } from '../core/errors.ts';
import { anthropicCloudBody } from './anthropic-cloud-body.ts';
import { createAwsEventStreamReframer, sseEvent, type AwsStreamMessage } from './aws-event-stream.ts';
import { createAwsRequestSigner } from './aws-request-signer.ts';
import { bedrockError, bedrockErrorMessage, bedrockErrorType } from './bedrock-error.ts';
import { bedrockBaseUrl, bedrockCloud, bedrockModelUrl, eventStreamType } from './bedrock-url.ts';
import { baseHeaders, type ProviderDescriptor } from './provider-descriptor.ts';

/** `anthropic.claude-…`, with or without a cross-region inference profile prefix (`us.`, `eu.`, `global.`…) or as an ARN. */
const isClaude = (model: string) => /(^|[./])anthropic\.claude-/.test(model);

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
 * Claude on Amazon Bedrock through InvokeModel (`type: bedrock`): the Anthropic
 * Messages dialect, the model (id or cross-region inference profile such as
 * `us.anthropic.claude-sonnet-4-5-20250929-v1:0`) in the URL, the body with
 * `anthropic_version: "bedrock-2023-05-31"` and the betas as `anthropic_beta`; SigV4-signed;
 * streams arrive in the AWS event stream and are reframed into Anthropic SSE.
 */
export const bedrockProvider: ProviderDescriptor = {
  type: 'bedrock',
  dialect: 'anthropic-messages',
  family: 'anthropic',
  keyEnv: [],
  requiresKey: false,
  fromEnvironment: false,
  modelPrefixes: [],
  genAiSystem: 'aws.bedrock',
  defaultContextWindow: 200_000,
  regionalBaseUrl: bedrockBaseUrl,
  cloud: bedrockCloud,
  prepare: (settings, call) => ({
    url: bedrockModelUrl(settings.baseUrl, call.model, call.stream ? 'invoke-with-response-stream' : 'invoke'),
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
        if (call.embeddings) return { url: call.url, headers: await sign(call), body: call.body };
        if (!isClaude(call.model)) {
          throw new GatewayError({
            code: 'caller_unsupported',
            message: `Bedrock model ${call.model}: only Claude models (anthropic.claude-*) are served through InvokeModel; other chat models need the Converse API, which Switchyard does not speak yet.`,
            param: 'model',
          });
        }
        const adapted = anthropicCloudBody(call.body, call.headers, { version: 'bedrock-2023-05-31', streamInBody: false, betasInBody: true });
        return { url: call.url, headers: await sign({ url: call.url, headers: adapted.headers, body: adapted.body }), body: adapted.body };
      },
      createStreamReframer: () => createAwsEventStreamReframer(settings.name, chunkToSse),
      decodeError: (status, body, headers) => bedrockError(bedrockErrorType(headers, body), bedrockErrorMessage(body), status),
    };
  },
};
