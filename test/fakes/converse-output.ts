// A Scenario as Amazon Bedrock Converse answers it: the whole `output.message` answer, or the
// ConverseStream events (messageStart, contentBlockStart for tool use, contentBlockDelta with
// text / toolUse.input fragments / reasoningContent text and signature, contentBlockStop,
// messageStop, metadata with usage and metrics). Claude's reasoning is signed with the
// emulator's signer (so a replay can be verified); DeepSeek's comes without a signature; other
// models do not reason. Standalone: no imports from src/.
import type { ThinkingSigner } from './anthropic-thinking-signer.ts';
import { randomAlphanumeric } from './fake-http.ts';
import { estimateTokens, splitIntoDeltas, splitIntoFragments, type Scenario } from './scenario.ts';

export type ConverseEvent = { eventType: string; payload: Record<string, unknown> };

type Block =
  | { text: string }
  | { toolUse: { toolUseId: string; name: string; input: Record<string, unknown> } }
  | { reasoningContent: { reasoningText: { text: string; signature?: string } } | { redactedContent: string } };

/** The answer's blocks in order: reasoning, text, tool uses. Unknown tool names are the scenario's bug: thrown. */
function blocksOf(
  scenario: Scenario,
  context: { claude: boolean; thinking: boolean; deepseek: boolean; toolNames: string[]; signer: ThinkingSigner },
): Block[] {
  const blocks: Block[] = [];
  if (scenario.reasoning && ((context.claude && context.thinking) || context.deepseek)) {
    if (scenario.reasoning.redacted && context.claude) blocks.push({ reasoningContent: { redactedContent: context.signer.issueRedactedData() } });
    else
      blocks.push({
        reasoningContent: {
          reasoningText: context.claude
            ? { text: scenario.reasoning.text, signature: context.signer.signThinking(scenario.reasoning.text) }
            : { text: scenario.reasoning.text },
        },
      });
  }
  if (scenario.text) blocks.push({ text: scenario.text });
  for (const call of scenario.toolCalls ?? []) {
    if (!context.toolNames.includes(call.name))
      throw new Error(`scenario calls ${call.name}, which the request did not declare (${context.toolNames.join(', ')})`);
    const input = typeof call.arguments === 'string' ? { input: call.arguments } : call.arguments;
    blocks.push({ toolUse: { toolUseId: `tooluse_${randomAlphanumeric(22)}`, name: call.name, input } });
  }
  return blocks;
}

function usageOf(scenario: Scenario, blocks: Block[]) {
  const outputText = JSON.stringify(blocks);
  const input = scenario.usage?.input ?? 20;
  const cached = scenario.usage?.cached ?? 0;
  const output = scenario.usage?.output ?? estimateTokens(outputText);
  const usage: Record<string, number> = { inputTokens: input - cached, outputTokens: output, totalTokens: input + output };
  if (cached > 0) usage.cacheReadInputTokens = cached;
  return usage;
}

function stopReasonOf(scenario: Scenario): string {
  if (scenario.stop === 'length') return 'max_tokens';
  return (scenario.toolCalls?.length ?? 0) > 0 ? 'tool_use' : 'end_turn';
}

export type ConverseOutputContext = { claude: boolean; thinking: boolean; deepseek: boolean; toolNames: string[]; signer: ThinkingSigner };

/** The Converse answer body. */
export function converseAnswer(scenario: Scenario, context: ConverseOutputContext): Record<string, unknown> {
  const blocks = blocksOf(scenario, context);
  return {
    output: { message: { role: 'assistant', content: blocks } },
    stopReason: stopReasonOf(scenario),
    usage: usageOf(scenario, blocks),
    metrics: { latencyMs: 431 },
  };
}

/** The ConverseStream events, in order. */
export function converseStreamEvents(scenario: Scenario, context: ConverseOutputContext): ConverseEvent[] {
  const blocks = blocksOf(scenario, context);
  const events: ConverseEvent[] = [{ eventType: 'messageStart', payload: { role: 'assistant' } }];
  blocks.forEach((block, contentBlockIndex) => {
    const delta = (value: unknown) => events.push({ eventType: 'contentBlockDelta', payload: { delta: value, contentBlockIndex } });
    if ('text' in block) for (const piece of splitIntoDeltas(block.text)) delta({ text: piece });
    else if ('toolUse' in block) {
      events.push({
        eventType: 'contentBlockStart',
        payload: { start: { toolUse: { toolUseId: block.toolUse.toolUseId, name: block.toolUse.name } }, contentBlockIndex },
      });
      for (const piece of splitIntoFragments(JSON.stringify(block.toolUse.input), 11)) delta({ toolUse: { input: piece } });
    } else if ('redactedContent' in block.reasoningContent) delta({ reasoningContent: { redactedContent: block.reasoningContent.redactedContent } });
    else {
      for (const piece of splitIntoDeltas(block.reasoningContent.reasoningText.text)) delta({ reasoningContent: { text: piece } });
      if (block.reasoningContent.reasoningText.signature) delta({ reasoningContent: { signature: block.reasoningContent.reasoningText.signature } });
    }
    events.push({ eventType: 'contentBlockStop', payload: { contentBlockIndex } });
  });
  events.push({ eventType: 'messageStop', payload: { stopReason: stopReasonOf(scenario) } });
  events.push({ eventType: 'metadata', payload: { usage: usageOf(scenario, blocks), metrics: { latencyMs: 612 } } });
  return events;
}
