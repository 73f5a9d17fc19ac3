// The Anthropic emulator's prompt cache, modelled on the documented behaviour
// (docs.anthropic.com, "Prompt caching"): the prompt is the sequence tools → system → messages;
// a block with `cache_control` is a breakpoint; a request writes the prefix up to each of its
// breakpoints and reads the longest prefix written before, checking at each breakpoint and up to
// 20 blocks before it. Prefixes shorter than the model's minimum cacheable length (1024 tokens;
// 2048 for Haiku) are neither written nor read. Entries live for the emulator's lifetime (one
// "organisation"). More than 4 breakpoints is rejected by the request validator before this runs.
import { createHash } from 'node:crypto';
import { estimateTokens } from './scenario.ts';

const lookbackBlocks = 20;

export interface PromptCacheUsage {
  /** Prompt tokens read from the cache. */
  read: number;
  /** Prompt tokens written to the cache by this request. */
  written: number;
}

function minimumTokens(model: string): number {
  return /haiku/i.test(model) ? 2048 : 1024;
}

/** The prompt's blocks in cache order, each as stable text without its `cache_control`, and whether it is a breakpoint. */
function blocksOf(body: Record<string, any>): Array<{ text: string; breakpoint: boolean }> {
  const out: Array<{ text: string; breakpoint: boolean }> = [];
  const add = (block: unknown, prefix: string) => {
    if (typeof block !== 'object' || block === null) {
      out.push({ text: `${prefix}${JSON.stringify(block)}`, breakpoint: false });
      return;
    }
    const { cache_control, ...rest } = block as Record<string, unknown>;
    out.push({ text: `${prefix}${JSON.stringify(rest)}`, breakpoint: cache_control !== undefined });
  };
  for (const tool of Array.isArray(body.tools) ? body.tools : []) add(tool, 'tool:');
  if (typeof body.system === 'string') add({ type: 'text', text: body.system }, 'system:');
  else for (const block of Array.isArray(body.system) ? body.system : []) add(block, 'system:');
  for (const [index, message] of (Array.isArray(body.messages) ? body.messages : []).entries()) {
    const content = typeof message?.content === 'string' ? [{ type: 'text', text: message.content }] : Array.isArray(message?.content) ? message.content : [];
    for (const block of content) add(block, `${index}:${message?.role}:`);
  }
  return out;
}

export function createPromptCache(): { account(body: Record<string, any>): PromptCacheUsage } {
  const written = new Set<string>();
  return {
    account(body) {
      const blocks = blocksOf(body);
      const minimum = minimumTokens(String(body.model ?? ''));
      const hashes: string[] = [];
      const tokens: number[] = [];
      const hash = createHash('sha256');
      let text = '';
      for (const block of blocks) {
        hash.update(block.text).update('\u0000');
        text += block.text;
        hashes.push(hash.copy().digest('hex'));
        tokens.push(estimateTokens(text));
      }
      const breakpoints = blocks.flatMap((block, index) => (block.breakpoint ? [index] : []));
      let read = 0;
      for (const point of breakpoints) {
        for (let at = point; at >= Math.max(0, point - lookbackBlocks); at--) {
          if (written.has(hashes[at]!) && tokens[at]! >= minimum) {
            read = Math.max(read, tokens[at]!);
            break;
          }
        }
      }
      let longest = 0;
      for (const point of breakpoints) {
        if (tokens[point]! < minimum) continue;
        written.add(hashes[point]!);
        longest = Math.max(longest, tokens[point]!);
      }
      return { read, written: Math.max(0, longest - read) };
    },
  };
}
