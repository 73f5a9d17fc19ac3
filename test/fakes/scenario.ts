// Provider-neutral script of what a fake upstream model answers. The emulators turn one
// Scenario into the exact wire bytes of their provider; tests never hand-write SSE.
// Standalone on purpose: nothing here may import from src/ (the emulators are the judge).
import type { IncomingHttpHeaders } from 'node:http';

/** One HTTP request as the emulator received it (recorded before any validation). */
export type RecordedRequest = {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it was not valid JSON; undefined when empty. */
  body: any;
  /** Set when the client closed the connection before the answer was complete (an aborted request). */
  abortedByClient?: boolean;
};

export type ScenarioToolCall = {
  /**
   * Tool name as declared in the request. On the Responses emulator a tool inside a
   * `namespace` tool may be named by its inner name or as `namespace.name`.
   */
  name: string;
  /** Object for a function tool; raw text for a freeform (`custom`) tool or deliberately broken JSON. */
  arguments: Record<string, unknown> | string;
};

export type Scenario = {
  /** Reasoning the fake model does before answering. `redacted` makes Anthropic emit a redacted_thinking block. */
  reasoning?: { text: string; redacted?: boolean };
  text?: string;
  toolCalls?: ScenarioToolCall[];
  /** 'length' = cut by max tokens (Responses: response.incomplete; Anthropic: stop_reason max_tokens). */
  stop?: 'stop' | 'length';
  /**
   * Provider-neutral counts: `input` is ALL prompt tokens including `cached`; `output` includes
   * `reasoning`. Emulators re-shape them (e.g. Anthropic input_tokens = input - cached).
   */
  usage?: { input: number; output: number; cached?: number; reasoning?: number };
  /** Answer with this HTTP error instead of a model reply. `code` = OpenAI error.code. */
  error?: { status: number; type?: string; code?: string; message?: string; headers?: Record<string, string> };
  /** Stream `afterEvents` events, then fail the stream in the provider's mid-stream error shape. */
  midStreamError?: { afterEvents: number; type: string; code?: string; message: string };
  /** Wait this long before sending the response head. */
  delayMs?: number;
};

export type ScenarioFn = (request: RecordedRequest) => Scenario;

export function textReply(text: string): Scenario {
  return { text };
}

export function toolCallReply(name: string, args: Record<string, unknown> | string): Scenario {
  return { toolCalls: [{ name, arguments: args }] };
}

/**
 * Turns the emulator `respond` option into a function. A queue is consumed only by requests
 * that passed validation (a rejected request never reaches the "model"); when it runs dry the
 * emulator answers 500 so the test fails loudly instead of hanging.
 */
export function createScenarioSource(respond: ScenarioFn | Scenario[]): (request: RecordedRequest) => Scenario | undefined {
  if (typeof respond === 'function') return respond;
  const queue = [...respond];
  return () => queue.shift();
}

/** Splits text into at most `pieces` deltas on word boundaries; never returns empty deltas. */
export function splitIntoDeltas(text: string, pieces = 4): string[] {
  if (text.length === 0) return [];
  const words = text.match(/\s*\S+|\s+$/g) ?? [text];
  const perDelta = Math.max(1, Math.ceil(words.length / pieces));
  const deltas: string[] = [];
  for (let index = 0; index < words.length; index += perDelta) {
    deltas.push(words.slice(index, index + perDelta).join(''));
  }
  return deltas;
}

/** Splits raw text (e.g. JSON arguments) into fixed-size fragments like real argument deltas. */
export function splitIntoFragments(text: string, fragmentLength = 7): string[] {
  const fragments: string[] = [];
  for (let index = 0; index < text.length; index += fragmentLength) {
    fragments.push(text.slice(index, index + fragmentLength));
  }
  return fragments;
}

/** Rough token estimate used when a scenario gives no usage (about four characters per token). */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
