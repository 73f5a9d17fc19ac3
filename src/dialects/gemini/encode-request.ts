import type { ExchangeContext } from '../../core/dialect.ts';
import { encodeContents } from './encode-contents.ts';
import { encodeGenerationConfig } from './encode-generation-config.ts';
import { encodeTools } from './encode-tools.ts';
import { geminiExtensionOf, mergedExtensionKeys } from './gemini-extension.ts';
import type { GeminiGenerateContentRequest } from './wire.ts';
import { checkForeignFields } from '../shared/foreign-fields.ts';

/**
 * IR → a Gemini `generateContent` / `streamGenerateContent` body. The model and the stream
 * choice are in the URL (the provider builds it), so neither is in the body. Never mutates the
 * IR (safe to call again on retry or fallback); every loss is recorded in `context.warnings`.
 */
export function encodeRequest(context: ExchangeContext): GeminiGenerateContentRequest {
  const { request, warnings } = context;
  checkForeignFields(context.request, 'gemini', context.warnings);
  const conversation = encodeContents(context);
  const tools = encodeTools(context, conversation.extraTools);
  const generationConfig = encodeGenerationConfig(context);

  const body: GeminiGenerateContentRequest = { contents: conversation.contents };
  if (conversation.systemInstruction) body.systemInstruction = conversation.systemInstruction;
  if (tools.tools) body.tools = tools.tools;
  if (tools.toolConfig) body.toolConfig = tools.toolConfig;
  if (generationConfig) body.generationConfig = generationConfig;

  const metadata = Object.keys(request.metadata ?? {});
  if (metadata.length > 0) warnings.add('field_dropped', `Gemini has no request metadata; ${metadata.join(', ')} dropped.`);
  // What a Gemini client sent that the IR does not model goes back unchanged.
  for (const [key, value] of Object.entries(geminiExtensionOf(request))) {
    if (!mergedExtensionKeys.has(key) && !(key in body)) body[key] = value;
  }
  return body;
}
