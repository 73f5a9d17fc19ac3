// Turns a Scenario into the Responses output items and the exact SSE event list
// (as in test/fixtures/providers/openai-responses/): reasoning item first, then the message, then one item per tool call,
// each with added -> deltas -> done, framed by created/in_progress and a terminal event.
import { isPlainObject, randomAlphanumeric, randomHex } from './fake-http.ts';
import { estimateTokens, splitIntoDeltas, splitIntoFragments, type Scenario } from './scenario.ts';

export type ResponsesEvent = { type: string } & Record<string, unknown>;

export type ResponsesReply = {
  /** Stream events WITHOUT sequence_number (the writer numbers them, including injected errors). */
  events: ResponsesEvent[];
  /** The final Response object (also the non-streaming body). */
  response: Record<string, any>;
  /** Builds the response object in another state, e.g. for response.failed. */
  snapshot(status: string, extra?: Record<string, unknown>): Record<string, any>;
};

export type ResponsesIssuer = { issueEncryptedContent(): string };

/** Thrown when a scenario cannot be answered by a real model (e.g. calls an undeclared tool). */
export class ScenarioMismatchError extends Error {}

type DeclaredTool = { kind: 'function' | 'custom'; name: string; namespace?: string };

/** Tools the model may call: request `tools`, plus tools injected through additional_tools / tool_search_output items. */
function collectDeclaredTools(body: Record<string, any>): DeclaredTool[] {
  const declared: DeclaredTool[] = [];
  const visit = (tools: unknown, namespace?: string) => {
    if (!Array.isArray(tools)) return;
    for (const tool of tools) {
      if (!isPlainObject(tool)) continue;
      if (tool.type === 'namespace') visit(tool.tools, tool.name);
      else if (tool.type === 'function' || tool.type === 'custom') {
        declared.push({ kind: tool.type, name: tool.name, ...(namespace ? { namespace } : {}) });
      }
    }
  };
  visit(body.tools);
  if (Array.isArray(body.input)) {
    for (const item of body.input) {
      if (isPlainObject(item) && (item.type === 'additional_tools' || item.type === 'tool_search_output')) visit(item.tools);
    }
  }
  return declared;
}

function resolveTool(declared: DeclaredTool[], requested: string): DeclaredTool {
  const match =
    declared.find((tool) => tool.name === requested && tool.namespace === undefined) ??
    declared.find((tool) => tool.namespace !== undefined && `${tool.namespace}.${tool.name}` === requested) ??
    declared.find((tool) => tool.name === requested);
  if (!match) {
    throw new ScenarioMismatchError(`scenario calls tool '${requested}' that the request did not declare`);
  }
  return match;
}

export function buildResponsesReply(body: Record<string, any>, scenario: Scenario, issuer: ResponsesIssuer): ResponsesReply {
  const responseId = `resp_${randomHex(24)}`;
  const createdAt = Math.floor(Date.now() / 1000);
  const obfuscate = body.stream_options?.include_obfuscation !== false;
  const withObfuscation = (event: ResponsesEvent): ResponsesEvent =>
    obfuscate ? { ...event, obfuscation: randomAlphanumeric(4 + Math.floor(Math.random() * 12)) } : event;

  const snapshot = (status: string, extra: Record<string, unknown> = {}) => ({
    id: responseId,
    object: 'response',
    created_at: createdAt,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: body.max_tool_calls ?? null,
    model: body.model,
    output: [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    prompt_cache_key: body.prompt_cache_key ?? null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
    safety_identifier: body.safety_identifier ?? null,
    service_tier: body.service_tier ?? 'default',
    store: body.store !== false,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_logprobs: body.top_logprobs ?? 0,
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? 'disabled',
    usage: null,
    user: body.user ?? null,
    metadata: body.metadata ?? {},
    ...extra,
  });

  const events: ResponsesEvent[] = [];
  const output: Record<string, any>[] = [];
  const declared = collectDeclaredTools(body);
  const calls = (scenario.toolCalls ?? []).map((call) => ({ call, tool: resolveTool(declared, call.name) }));
  const truncated = scenario.stop === 'length';

  const addItem = (item: Record<string, any>, inner: (outputIndex: number) => ResponsesEvent[], done: Record<string, any>) => {
    const outputIndex = output.length;
    events.push({ type: 'response.output_item.added', output_index: outputIndex, item });
    events.push(...inner(outputIndex));
    output.push(done);
    events.push({ type: 'response.output_item.done', output_index: outputIndex, item: done });
  };

  if (scenario.reasoning) {
    const id = `rs_${randomHex(24)}`;
    const text = scenario.reasoning.text;
    const wantsSummary = typeof body.reasoning?.summary === 'string';
    const encrypted =
      Array.isArray(body.include) && body.include.includes('reasoning.encrypted_content') ? { encrypted_content: issuer.issueEncryptedContent() } : {};
    const summary = wantsSummary ? [{ type: 'summary_text', text }] : [];
    addItem(
      { id, type: 'reasoning', ...encrypted, summary: [] },
      (outputIndex) => {
        if (!wantsSummary) return [];
        const base = { item_id: id, output_index: outputIndex, summary_index: 0 };
        return [
          { type: 'response.reasoning_summary_part.added', ...base, part: { type: 'summary_text', text: '' } },
          ...splitIntoDeltas(text).map((delta) => withObfuscation({ type: 'response.reasoning_summary_text.delta', ...base, delta })),
          { type: 'response.reasoning_summary_text.done', ...base, text },
          { type: 'response.reasoning_summary_part.done', ...base, part: { type: 'summary_text', text } },
        ];
      },
      { id, type: 'reasoning', ...encrypted, summary },
    );
  }

  if (scenario.text !== undefined) {
    const id = `msg_${randomHex(24)}`;
    const text = scenario.text;
    const part = { type: 'output_text', annotations: [], logprobs: [], text };
    const status = truncated && calls.length === 0 ? 'incomplete' : 'completed';
    addItem(
      { id, type: 'message', status: 'in_progress', content: [], role: 'assistant' },
      (outputIndex) => {
        const base = { item_id: id, output_index: outputIndex, content_index: 0 };
        return [
          { type: 'response.content_part.added', ...base, part: { ...part, text: '' } },
          ...splitIntoDeltas(text).map((delta) => withObfuscation({ type: 'response.output_text.delta', ...base, delta, logprobs: [] })),
          { type: 'response.output_text.done', ...base, text, logprobs: [] },
          { type: 'response.content_part.done', ...base, part },
        ];
      },
      { id, type: 'message', status, content: [part], role: 'assistant' },
    );
  }

  for (const [index, { call, tool }] of calls.entries()) {
    const callId = `call_${randomAlphanumeric(24)}`;
    const namespace = tool.namespace ? { namespace: tool.namespace } : {};
    const status = truncated && index === calls.length - 1 ? 'incomplete' : 'completed';
    const raw = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    if (tool.kind === 'custom') {
      const id = `ctc_${randomHex(24)}`;
      const item = { id, type: 'custom_tool_call', call_id: callId, input: '', name: tool.name, ...namespace };
      addItem(
        { ...item, status: 'in_progress' },
        (outputIndex) => [
          ...splitIntoFragments(raw).map((delta) =>
            withObfuscation({ type: 'response.custom_tool_call_input.delta', item_id: id, output_index: outputIndex, delta }),
          ),
          { type: 'response.custom_tool_call_input.done', item_id: id, output_index: outputIndex, input: raw },
        ],
        { ...item, status, input: raw },
      );
    } else {
      const id = `fc_${randomHex(24)}`;
      const item = { id, type: 'function_call', arguments: '', call_id: callId, name: tool.name, ...namespace };
      addItem(
        { ...item, status: 'in_progress' },
        (outputIndex) => [
          ...splitIntoFragments(raw).map((delta) =>
            withObfuscation({ type: 'response.function_call_arguments.delta', item_id: id, output_index: outputIndex, delta }),
          ),
          { type: 'response.function_call_arguments.done', item_id: id, output_index: outputIndex, arguments: raw },
        ],
        { ...item, status, arguments: raw },
      );
    }
  }

  const usage = computeUsage(body, scenario);
  const response = truncated
    ? snapshot('incomplete', { incomplete_details: { reason: 'max_output_tokens' }, output, usage })
    : snapshot('completed', { output, usage });
  return {
    events: [
      { type: 'response.created', response: snapshot('in_progress') },
      { type: 'response.in_progress', response: snapshot('in_progress') },
      ...events,
      { type: truncated ? 'response.incomplete' : 'response.completed', response },
    ],
    response,
    snapshot,
  };
}

function computeUsage(body: Record<string, any>, scenario: Scenario) {
  const reasoningTokens = scenario.usage?.reasoning ?? (scenario.reasoning ? estimateTokens(scenario.reasoning.text) : 0);
  const generated = (scenario.text ?? '') + (scenario.toolCalls ?? []).map((call) => JSON.stringify(call.arguments)).join('');
  const input = scenario.usage?.input ?? estimateTokens(JSON.stringify(body.input ?? '') + (body.instructions ?? ''));
  const output = scenario.usage?.output ?? reasoningTokens + (generated ? estimateTokens(generated) : 0);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: scenario.usage?.cached ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: input + output,
  };
}
