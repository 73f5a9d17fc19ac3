// Turns a Scenario into chat.completion.chunk objects the way each server family streams them
// (test/fixtures/providers/openai-chat): OpenAI streams call 0 fully (id+name+arguments "" first, then
// fragments) before call 1; vLLM's first tool delta has NO `arguments` key and its finish chunk
// carries `delta:{content:""}` + `stop_reason`; Ollama repeats role on every delta and sends each
// call whole in one chunk without an id. Reasoning: vLLM `reasoning_content`, Ollama `reasoning`.
import { randomAlphanumeric, randomHex } from './fake-http.ts';
import type { ChatFlavor } from './chat-error.ts';
import { estimateTokens, splitIntoDeltas, splitIntoFragments, type Scenario } from './scenario.ts';

export type ChatChunk = Record<string, any>;

export type ChatReply = {
  /** Content chunks (role, reasoning, text, tool calls) — the ones a mid-stream failure may cut. */
  chunks: ChatChunk[];
  finishChunk: ChatChunk;
  usageChunk: ChatChunk;
  completion: Record<string, any>;
};

export class ChatScenarioMismatchError extends Error {}

type Call = { id: string; name: string; raw: string; sent: string[] };

export function buildChatReply(body: Record<string, any>, scenario: Scenario, flavor: ChatFlavor): ChatReply {
  const declared = new Set((Array.isArray(body.tools) ? body.tools : []).map((tool: any) => tool.function?.name));
  const truncated = scenario.stop === 'length';
  const scripted = scenario.toolCalls ?? [];
  // Ollama only emits calls it could parse whole; OpenAI/vLLM stream the cut call's JSON half-way.
  const calls: Call[] = (truncated && flavor === 'ollama' ? scripted.slice(0, -1) : scripted).map((call, index, all) => {
    if (!declared.has(call.name)) throw new ChatScenarioMismatchError(`scenario calls tool '${call.name}' that the request did not declare`);
    const raw = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    const fragments = splitIntoFragments(raw);
    const sent = truncated && index === all.length - 1 ? fragments.slice(0, Math.ceil(fragments.length / 2)) : fragments;
    const id =
      flavor === 'vllm'
        ? `chatcmpl-tool-${randomHex(16)}`
        : flavor === 'ollama'
          ? `call_${randomAlphanumeric(8).toLowerCase()}`
          : `call_${randomAlphanumeric(24)}`;
    return { id, name: call.name, raw, sent };
  });
  const reasoning = flavor === 'openai' ? '' : (scenario.reasoning?.text ?? '');
  const text = scenario.text ?? '';
  const finishReason = truncated ? 'length' : calls.length > 0 ? 'tool_calls' : 'stop';

  const id =
    flavor === 'openai'
      ? `chatcmpl-${randomAlphanumeric(29)}`
      : flavor === 'vllm'
        ? `chatcmpl-${randomHex(16)}`
        : `chatcmpl-${Math.floor(Math.random() * 1000)}`;
  const created = Math.floor(Date.now() / 1000);
  const includeUsage = body.stream_options?.include_usage === true;
  const head = {
    id,
    object: 'chat.completion.chunk',
    created,
    model: body.model,
    ...(flavor === 'openai' ? { system_fingerprint: `fp_${randomHex(5)}` } : flavor === 'ollama' ? { system_fingerprint: 'fp_ollama' } : {}),
  };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatChunk => ({
    ...head,
    choices: [
      {
        index: 0,
        delta: flavor === 'ollama' ? { role: 'assistant', content: '', ...delta } : delta,
        ...(flavor === 'ollama' ? {} : { logprobs: null }),
        finish_reason: finish,
        ...(flavor === 'vllm' && finish ? { stop_reason: null } : {}),
      },
    ],
    // OpenAI sends `usage: null` on every chunk once include_usage is on.
    ...(flavor === 'openai' && includeUsage ? { usage: null } : {}),
  });

  const chunks: ChatChunk[] = [];
  if (flavor === 'openai') chunks.push(chunk({ role: 'assistant', content: text === '' && calls.length > 0 ? null : '', refusal: null }));
  if (flavor === 'vllm') chunks.push(chunk({ role: 'assistant', content: '' }));
  const reasoningField = flavor === 'vllm' ? 'reasoning_content' : 'reasoning';
  for (const delta of splitIntoDeltas(reasoning)) chunks.push(chunk({ [reasoningField]: delta }));
  for (const delta of splitIntoDeltas(text)) chunks.push(chunk({ content: delta }));
  for (const [index, call] of calls.entries()) {
    if (flavor === 'ollama') {
      chunks.push(chunk({ tool_calls: [{ index, type: 'function', function: { name: call.name, arguments: call.raw } }] }));
      continue;
    }
    const opening =
      flavor === 'vllm'
        ? { id: call.id, type: 'function', index, function: { name: call.name } }
        : { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
    chunks.push(chunk({ tool_calls: [opening] }));
    for (const fragment of call.sent) chunks.push(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }));
  }
  const finishDelta = flavor === 'vllm' ? { content: '' } : {};

  const usage = computeUsage(body, scenario, flavor, text, calls);
  const message = {
    role: 'assistant',
    content: text === '' && flavor !== 'ollama' ? null : text,
    ...(reasoning ? { [reasoningField]: reasoning } : {}),
    ...(calls.length > 0
      ? {
          tool_calls: calls.map((call, index) => ({
            id: call.id,
            ...(flavor === 'ollama' ? { index } : {}),
            type: 'function',
            function: { name: call.name, arguments: call.sent.join('') },
          })),
        }
      : {}),
    ...(flavor === 'openai' ? { refusal: null, annotations: [] } : {}),
  };
  const completion = {
    id,
    object: 'chat.completion',
    created,
    model: body.model,
    choices: [{ index: 0, message, ...(flavor === 'ollama' ? {} : { logprobs: null }), finish_reason: finishReason }],
    usage,
    ...(head.system_fingerprint ? { system_fingerprint: head.system_fingerprint } : {}),
  };
  return { chunks, finishChunk: chunk(finishDelta, finishReason), usageChunk: { ...head, choices: [], usage }, completion };
}

function computeUsage(body: Record<string, any>, scenario: Scenario, flavor: ChatFlavor, text: string, calls: Call[]) {
  const prompt = scenario.usage?.input ?? estimateTokens(JSON.stringify([body.messages, body.tools ?? []]));
  const cached = scenario.usage?.cached ?? 0;
  const reasoning = scenario.usage?.reasoning ?? (scenario.reasoning ? estimateTokens(scenario.reasoning.text) : 0);
  const generated = text + calls.map((call) => call.raw).join('');
  const completion = scenario.usage?.output ?? reasoning + (generated ? estimateTokens(generated) : 0);
  const base = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (flavor === 'ollama') return base;
  if (flavor === 'vllm') return { ...base, prompt_tokens_details: cached > 0 ? { cached_tokens: cached } : null };
  return {
    ...base,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}
