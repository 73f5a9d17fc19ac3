/**
 * The six provider types of the SDK matrix, each a strict emulator behind one gateway model
 * alias: the Responses API (type openai), Anthropic Messages, Gemini 3 (thought signatures
 * enforced), Chat Completions servers in the vLLM and Ollama flavors (type
 * openai-compatible), and Bedrock Converse (type bedrock, a Llama model; SigV4 verified). All answer from one ScriptedCases registry.
 */
import { startAnthropicEmulator } from '../../fakes/anthropic-emulator.ts';
import { startBedrockEmulator } from '../../fakes/bedrock-emulator.ts';
import { startChatEmulator } from '../../fakes/chat-emulator.ts';
import { startGeminiEmulator } from '../../fakes/gemini-emulator.ts';
import { startResponsesEmulator } from '../../fakes/responses-emulator.ts';
import type { RecordedRequest } from '../../fakes/scenario.ts';
import { startTestGateway, type TestGateway } from '../../support/start-test-gateway.ts';
import type { ScriptedCases } from './scripted-cases.ts';

export type Dialect = 'openai-responses' | 'openai-chat' | 'anthropic-messages' | 'gemini' | 'bedrock-converse';
export type UpstreamKind = 'responses' | 'anthropic' | 'gemini' | 'vllm' | 'ollama' | 'bedrock';

export interface Upstream {
  kind: UpstreamKind;
  /** The wire format the provider speaks (a client speaking it takes the passthrough). */
  dialect: Dialect;
  /** The gateway model alias that routes to this upstream. */
  alias: string;
  /** The model name the upstream receives. */
  servedModel: string;
  /** Whether the provider reports cached prompt tokens (Ollama does not). */
  reportsCachedTokens: boolean;
  /** Every request the emulator received, accepted or not. */
  requests: RecordedRequest[];
}

export interface MatrixUpstreams {
  gateway: TestGateway;
  clientKey: string;
  upstreams: Upstream[];
  close(): Promise<void>;
}

export const upstreamKinds: readonly UpstreamKind[] = ['responses', 'anthropic', 'gemini', 'vllm', 'ollama', 'bedrock'];

export async function startMatrixUpstreams(cases: ScriptedCases): Promise<MatrixUpstreams> {
  const respond = cases.respond;
  const [responses, anthropic, gemini, vllm, ollama] = await Promise.all([
    startResponsesEmulator({ respond }),
    startAnthropicEmulator({ respond }),
    startGeminiEmulator({ respond }),
    startChatEmulator({ respond, flavor: 'vllm' }),
    startChatEmulator({ respond, flavor: 'ollama' }),
  ]);
  // AWS's documented example key pair; the Anthropic emulator behind InvokeModel is not used (Llama speaks Converse).
  const awsCredentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
  const bedrock = await startBedrockEmulator({
    region: 'us-east-1',
    credentials: awsCredentials,
    anthropic: { url: anthropic.url, apiKey: 'unused' },
    converse: { respond },
  });
  const clientKey = 'sk-matrix-client-01';
  const gateway = await startTestGateway(`
providers:
  responses-api:
    type: openai
    base_url: ${responses.url}
    api_key: sk-upstream-test
  anthropic-api:
    type: anthropic
    base_url: ${anthropic.url}
    api_key: sk-ant-upstream-test
  gemini-api:
    type: gemini
    base_url: ${gemini.url}
    api_key: gemini-upstream-test
  vllm-server:
    type: openai-compatible
    base_url: ${vllm.url}
    api_key: sk-chat-upstream-test
  ollama-server:
    type: openai-compatible
    base_url: ${ollama.url}
    api_key: sk-chat-upstream-test
  bedrock-aws:
    type: bedrock
    base_url: ${bedrock.url}
    region: us-east-1
    access_key_id: ${awsCredentials.accessKeyId}
    secret_access_key: "${awsCredentials.secretAccessKey}"
models:
  via-responses: { provider: responses-api, model: gpt-4.1 }
  via-anthropic: { provider: anthropic-api, model: claude-sonnet-4-5 }
  via-gemini: { provider: gemini-api, model: gemini-3-flash-preview }
  via-vllm: { provider: vllm-server, model: qwen3-coder-30b }
  via-ollama: { provider: ollama-server, model: llama3.2 }
  via-bedrock: { provider: bedrock-aws, model: "us.meta.llama3-3-70b-instruct-v1:0" }
keys:
  - { name: matrix, key: ${clientKey} }
routing:
  retry: { max_attempts: 1 }
`);
  const upstreams: Upstream[] = [
    { kind: 'responses', dialect: 'openai-responses', alias: 'via-responses', servedModel: 'gpt-4.1', reportsCachedTokens: true, requests: responses.requests },
    {
      kind: 'anthropic',
      dialect: 'anthropic-messages',
      alias: 'via-anthropic',
      servedModel: 'claude-sonnet-4-5',
      reportsCachedTokens: true,
      requests: anthropic.requests,
    },
    { kind: 'gemini', dialect: 'gemini', alias: 'via-gemini', servedModel: 'gemini-3-flash-preview', reportsCachedTokens: true, requests: gemini.requests },
    { kind: 'vllm', dialect: 'openai-chat', alias: 'via-vllm', servedModel: 'qwen3-coder-30b', reportsCachedTokens: true, requests: vllm.requests },
    { kind: 'ollama', dialect: 'openai-chat', alias: 'via-ollama', servedModel: 'llama3.2', reportsCachedTokens: false, requests: ollama.requests },
    {
      kind: 'bedrock',
      dialect: 'bedrock-converse',
      alias: 'via-bedrock',
      servedModel: 'us.meta.llama3-3-70b-instruct-v1:0',
      reportsCachedTokens: true,
      requests: bedrock.requests,
    },
  ];
  return {
    gateway,
    clientKey,
    upstreams,
    async close() {
      await gateway.close();
      await Promise.all([responses, anthropic, gemini, vllm, ollama, bedrock].map((emulator) => emulator.close()));
    },
  };
}
