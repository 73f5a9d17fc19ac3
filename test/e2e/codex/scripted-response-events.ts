/**
 * Builds the Responses SSE event list for one scripted reply, in the exact order and shape
 * OpenAI streams it (compare the recordings in test/fixtures/providers/openai-responses/): created, in_progress, then per output item
 * added → part/delta/done events → output_item.done, then completed with full usage.
 * `sequence_number` starts at 0 and grows by one per event. Deltas are split into several
 * pieces so a client that only reads the first delta, or only the `*.done` events, shows up.
 */

export type ScriptedOutputItem =
  | {
      type: 'reasoning';
      /** Summary sections; each becomes one summary part with its own deltas. */
      summary?: string[];
      /** The opaque blob Codex must send back verbatim on the next request. */
      encryptedContent: string;
      id?: string;
    }
  | {
      type: 'function_call';
      name: string;
      /** An object is JSON-encoded once, as OpenAI sends arguments (a JSON string). */
      arguments: string | Record<string, unknown>;
      callId?: string;
      /** Set for calls into a `namespace` tool (Codex answers "unsupported call" without it). */
      namespace?: string;
      id?: string;
    }
  | { type: 'custom_tool_call'; name: string; input: string; callId?: string; id?: string }
  | { type: 'message'; text: string; id?: string };

export interface ScriptedUsage {
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

export interface ResponseEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}

/** The parts of the client's request that OpenAI echoes inside the `response` object. */
export interface EchoedRequest {
  model?: unknown;
  tools?: unknown;
  tool_choice?: unknown;
  parallel_tool_calls?: unknown;
  reasoning?: unknown;
  store?: unknown;
  text?: unknown;
  prompt_cache_key?: unknown;
}

const DEFAULT_USAGE: ScriptedUsage = { inputTokens: 120, cachedTokens: 0, outputTokens: 30, reasoningTokens: 10 };

/** Splits into at most three non-empty pieces (whole string when short). */
export function splitIntoDeltas(text: string): string[] {
  if (text.length < 3) return text.length === 0 ? [] : [text];
  const third = Math.ceil(text.length / 3);
  return [text.slice(0, third), text.slice(third, 2 * third), text.slice(2 * third)].filter((piece) => piece.length > 0);
}

export function buildResponseEvents(options: {
  responseId: string;
  /** Unique per reply: keeps item ids distinct across the turns of one conversation. */
  itemIdPrefix: string;
  request: EchoedRequest;
  output: ScriptedOutputItem[];
  usage?: ScriptedUsage;
  createdAt?: number;
}): ResponseEvent[] {
  const events: ResponseEvent[] = [];
  const push = (event: Omit<ResponseEvent, 'sequence_number'>): void => {
    events.push({ ...event, sequence_number: events.length } as ResponseEvent);
  };
  const createdAt = options.createdAt ?? Math.floor(Date.now() / 1000);
  const usage = options.usage ?? DEFAULT_USAGE;
  const responseObject = (status: string, output: unknown[], withUsage: boolean) => ({
    id: options.responseId,
    object: 'response',
    created_at: createdAt,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: options.request.model ?? 'unknown',
    output,
    parallel_tool_calls: options.request.parallel_tool_calls ?? true,
    previous_response_id: null,
    prompt_cache_key: options.request.prompt_cache_key ?? null,
    reasoning: options.request.reasoning ?? { effort: null, summary: null },
    store: options.request.store ?? false,
    temperature: 1,
    text: options.request.text ?? { format: { type: 'text' } },
    tool_choice: options.request.tool_choice ?? 'auto',
    tools: options.request.tools ?? [],
    top_p: 1,
    truncation: 'disabled',
    usage: withUsage
      ? {
          input_tokens: usage.inputTokens,
          input_tokens_details: { cached_tokens: usage.cachedTokens },
          output_tokens: usage.outputTokens,
          output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
          total_tokens: usage.inputTokens + usage.outputTokens,
        }
      : null,
    user: null,
    metadata: {},
  });

  push({ type: 'response.created', response: responseObject('in_progress', [], false) });
  push({ type: 'response.in_progress', response: responseObject('in_progress', [], false) });

  const completedItems: unknown[] = [];
  options.output.forEach((item, outputIndex) => {
    const suffix = `${options.itemIdPrefix}_${outputIndex}`;
    switch (item.type) {
      case 'reasoning': {
        const id = item.id ?? `rs_${suffix}`;
        const summary = item.summary ?? [];
        // OpenAI already puts an encrypted_content on the added item, but a different, provisional
        // one: only the blob on output_item.done is the one to replay.
        push({
          type: 'response.output_item.added',
          output_index: outputIndex,
          item: { id, type: 'reasoning', summary: [], encrypted_content: `${item.encryptedContent}.provisional` },
        });
        summary.forEach((text, summaryIndex) => {
          const emptyPart = { type: 'summary_text', text: '' };
          push({ type: 'response.reasoning_summary_part.added', item_id: id, output_index: outputIndex, summary_index: summaryIndex, part: emptyPart });
          for (const delta of splitIntoDeltas(text)) {
            push({ type: 'response.reasoning_summary_text.delta', item_id: id, output_index: outputIndex, summary_index: summaryIndex, delta });
          }
          push({ type: 'response.reasoning_summary_text.done', item_id: id, output_index: outputIndex, summary_index: summaryIndex, text });
          push({
            type: 'response.reasoning_summary_part.done',
            item_id: id,
            output_index: outputIndex,
            summary_index: summaryIndex,
            part: { type: 'summary_text', text },
          });
        });
        const done = { id, type: 'reasoning', summary: summary.map((text) => ({ type: 'summary_text', text })), encrypted_content: item.encryptedContent };
        push({ type: 'response.output_item.done', output_index: outputIndex, item: done });
        completedItems.push(done);
        break;
      }
      case 'function_call': {
        const id = item.id ?? `fc_${suffix}`;
        const callId = item.callId ?? `call_${suffix}`;
        const argumentsText = typeof item.arguments === 'string' ? item.arguments : JSON.stringify(item.arguments);
        const namespace = item.namespace === undefined ? {} : { namespace: item.namespace };
        push({
          type: 'response.output_item.added',
          output_index: outputIndex,
          item: { id, type: 'function_call', status: 'in_progress', arguments: '', call_id: callId, name: item.name, ...namespace },
        });
        for (const delta of splitIntoDeltas(argumentsText)) {
          push({ type: 'response.function_call_arguments.delta', item_id: id, output_index: outputIndex, delta });
        }
        push({ type: 'response.function_call_arguments.done', item_id: id, output_index: outputIndex, arguments: argumentsText });
        const done = { id, type: 'function_call', status: 'completed', arguments: argumentsText, call_id: callId, name: item.name, ...namespace };
        push({ type: 'response.output_item.done', output_index: outputIndex, item: done });
        completedItems.push(done);
        break;
      }
      case 'custom_tool_call': {
        const id = item.id ?? `ctc_${suffix}`;
        const callId = item.callId ?? `call_${suffix}`;
        push({
          type: 'response.output_item.added',
          output_index: outputIndex,
          item: { id, type: 'custom_tool_call', status: 'in_progress', call_id: callId, input: '', name: item.name },
        });
        for (const delta of splitIntoDeltas(item.input)) {
          push({ type: 'response.custom_tool_call_input.delta', item_id: id, output_index: outputIndex, delta });
        }
        push({ type: 'response.custom_tool_call_input.done', item_id: id, output_index: outputIndex, input: item.input });
        const done = { id, type: 'custom_tool_call', status: 'completed', call_id: callId, input: item.input, name: item.name };
        push({ type: 'response.output_item.done', output_index: outputIndex, item: done });
        completedItems.push(done);
        break;
      }
      case 'message': {
        const id = item.id ?? `msg_${suffix}`;
        const where = { item_id: id, output_index: outputIndex, content_index: 0 };
        push({
          type: 'response.output_item.added',
          output_index: outputIndex,
          item: { id, type: 'message', status: 'in_progress', content: [], role: 'assistant' },
        });
        push({ type: 'response.content_part.added', ...where, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } });
        for (const delta of splitIntoDeltas(item.text)) {
          push({ type: 'response.output_text.delta', ...where, delta, logprobs: [] });
        }
        push({ type: 'response.output_text.done', ...where, text: item.text, logprobs: [] });
        const part = { type: 'output_text', annotations: [], logprobs: [], text: item.text };
        push({ type: 'response.content_part.done', ...where, part });
        const done = { id, type: 'message', status: 'completed', content: [part], role: 'assistant' };
        push({ type: 'response.output_item.done', output_index: outputIndex, item: done });
        completedItems.push(done);
        break;
      }
    }
  });

  push({ type: 'response.completed', response: responseObject('completed', completedItems, true) });
  return events;
}

/** `event: <type>` + one `data:` line + blank line: the framing OpenAI uses. */
export function encodeResponseEvent(event: ResponseEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
