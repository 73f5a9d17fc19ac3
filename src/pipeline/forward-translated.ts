import { claimClient } from './claim-client.ts';
import { SseHeartbeat } from './sse-heartbeat.ts';
import type { ServerResponse } from 'node:http';
import type { TargetConfig } from '../config/runtime-config.ts';
import type { ClientContext, DialectCodec, ExchangeContext } from '../core/dialect.ts';
import { GatewayError } from '../core/errors.ts';
import type { ModelRequest, StreamEvent } from '../core/ir/index.ts';
import { StreamFold } from '../core/ir/fold-stream.ts';
import { SseDecoder } from '../core/sse-decoder.ts';
import { ToolNameMap } from '../core/tool-names.ts';
import type { ConfiguredProvider as Provider } from '../config/runtime-config.ts';
import type { UpstreamClient } from '../upstream/upstream-client.ts';
import { checkAnswerShape } from '../upstream/check-answer-shape.ts';
import { parseUpstreamJson, readBoundedBody } from '../upstream/read-bounded-body.ts';
import { SseEventGuard } from '../upstream/sse-event-guard.ts';
import { providerChunks, sendProviderCall } from './send-provider-call.ts';
import { upstreamLimits } from '../config/upstream-limits.ts';
import { asGatewayError, sendJson, writeChunk } from './client-io.ts';
import { estimateUsage } from './estimate-usage.ts';
import { modelHeaders } from './model-headers.ts';
import { readUpstreamError } from './read-upstream-error.ts';
import type { RequestContext } from './request-context.ts';
import { targetProfile } from './target-profile.ts';
import { RestoreEvents, restoreResponse } from '../policy/guardrails/restore-events.ts';
import type { SecretVault } from '../policy/guardrails/secret-vault.ts';
import type { GuardrailVerdict } from '../policy/guardrails/evaluate-request.ts';
import { guardResponse, OutputGuard, type OutputGuardOptions } from '../policy/guardrails/output-guard.ts';

export interface TranslatedInput {
  request: ModelRequest;
  clientCodec: DialectCodec;
  providerCodec: DialectCodec;
  fallbackCount: number;
  signal: AbortSignal;
  /** A hedged attempt: must win this before its first byte reaches the client. */
  claim?: () => boolean;
  /** Idle time after which a comment keeps the client stream alive. */
  heartbeatMs: number;
  inputBytes: number;
  /** The request's redacted secrets: placeholders in the answer are turned back into them. */
  vault?: SecretVault;
  /** `scan_output`: the model's own secrets in the answer are flagged or redacted (after the restore). */
  output?: OutputGuardOptions;
}

/**
 * Cross-dialect path: IR → provider request; provider stream → IR events → client stream.
 * Commit point: nothing is written to the client until the first content event, so an
 * error that arrives as the first upstream event can still fall back. After the commit a
 * failure becomes the client dialect's terminal error event.
 */
export async function forwardTranslated(
  context: RequestContext,
  provider: Provider,
  target: TargetConfig,
  upstreamClient: UpstreamClient,
  input: TranslatedInput,
  response: ServerResponse,
): Promise<void> {
  const exchange: ExchangeContext = {
    request: { ...input.request, model: target.model },
    target: targetProfile(target, provider),
    toolNames: ToolNameMap.fromTools(input.request.tools),
    warnings: context.warnings,
  };
  const upstreamBody = JSON.stringify(input.providerCodec.encodeRequest(exchange));
  const prepared = provider.prepare({ model: target.model, stream: input.request.stream });
  const upstream = await sendProviderCall(upstreamClient, provider, prepared, {
    body: upstreamBody,
    model: target.model,
    stream: input.request.stream,
    signal: input.signal,
  });
  if (upstream.statusCode >= 400) throw await readUpstreamError(upstream, input.providerCodec, provider.config, provider.transport);
  const output = input.output ? untilClaimed(input.output) : undefined;
  checkAnswerShape(upstream, provider.config, input.request.stream, provider.transport?.streamContentType);

  const clientContext: ClientContext = {
    requestedModel: context.model ?? target.model,
    request: input.request,
    warnings: context.warnings,
    requestId: context.requestId,
  };

  if (!input.request.stream) {
    const answer = input.providerCodec.decodeResponse(
      parseUpstreamJson(await readBoundedBody(upstream, provider.config, (provider.config.limits ?? upstreamLimits).maxBodyBytes), provider.config),
      exchange,
    );
    const restored = input.vault && input.vault.size > 0 ? restoreResponse(answer, input.vault) : answer;
    const decoded = output ? await guardResponse(restored, output.options) : restored;
    claimClient(input.claim);
    output?.release();
    context.markFirstByte();
    context.usage = decoded.usage;
    if (!decoded.usage) estimateUsage(context, input.inputBytes, 0);
    context.status = 200;
    sendJson(response, 200, input.clientCodec.encodeResponse(decoded, clientContext), modelHeaders(context, input.fallbackCount));
    return;
  }

  const sse = new SseDecoder();
  const decoder = input.providerCodec.createStreamDecoder(exchange);
  const encoder = input.clientCodec.createStreamEncoder(clientContext);
  const fold = new StreamFold();
  const restore = input.vault && input.vault.size > 0 ? new RestoreEvents(input.vault) : undefined;
  const outputGuard = output ? new OutputGuard(output.options) : undefined;
  const pending: StreamEvent[] = [];
  let committed = false;
  let outputChars = 0;
  let heartbeat: SseHeartbeat | undefined;

  /** Encodes a batch of IR events; before the commit, holds them back until real content. */
  const deliver = async (decodedEvents: StreamEvent[]): Promise<boolean> => {
    const restored = restore ? decodedEvents.flatMap((event) => restore.push(event)) : decodedEvents;
    const events = outputGuard ? await outputGuard.push(restored) : restored;
    let text = '';
    for (const event of events) {
      fold.push(event);
      if (event.type === 'text-delta' || event.type === 'tool-call-delta' || event.type === 'reasoning-delta') outputChars += event.delta.length;
      if (!committed) {
        if (event.type === 'error') throw new GatewayError(event.error);
        pending.push(event);
        if (event.type === 'response-start' || event.type === 'usage') continue;
        claimClient(input.claim);
        output?.release();
        committed = true;
        context.status = 200;
        response.writeHead(200, { ...modelHeaders(context, input.fallbackCount), 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        context.markFirstByte();
        heartbeat = new SseHeartbeat(response, input.heartbeatMs);
        for (const held of pending.splice(0)) text += encoder.push(held).join('');
        continue;
      }
      text += encoder.push(event).join('');
    }
    if (text.length === 0) return true;
    // The encoders write whole events, so every write ends at a boundary.
    heartbeat?.wrote(text);
    return writeChunk(response, text);
  };

  try {
    const guard = new SseEventGuard((provider.config.limits ?? upstreamLimits).maxSseEventBytes, provider.config.name);
    for await (const chunk of providerChunks(upstream, provider, target.model)) {
      guard.push(chunk);
      const events: StreamEvent[] = [];
      for (const sseEvent of sse.push(chunk as Buffer)) events.push(...decoder.push(sseEvent));
      if (!(await deliver(events))) break;
    }
    if (!input.signal.aborted) {
      const events: StreamEvent[] = [];
      for (const sseEvent of sse.finish()) events.push(...decoder.push(sseEvent));
      events.push(...decoder.finish());
      await deliver(events);
      if (!committed) await deliver([{ type: 'error', error: { code: 'provider_error', message: 'The provider sent no content.' } }]);
      const tail = encoder.finish().join('');
      if (tail) await writeChunk(response, tail);
    }
  } catch (error) {
    if (input.signal.aborted) throw error;
    const failure = asGatewayError(error, context.requestId);
    if (!committed) throw failure;
    const shape = failure.toShape();
    const text = encoder.push({ type: 'error', error: shape }).join('') + encoder.finish().join('');
    if (!response.destroyed) response.write(text);
    context.fail(shape);
  } finally {
    heartbeat?.stop();
    accountUsage(context, fold, input.inputBytes, outputChars);
  }
  if (fold.failed && !context.outcome) context.fail(fold.failed);
  if (!response.destroyed) response.end();
}

/**
 * Usage for the log and the bill. A finished stream has the provider's final numbers. A cut
 * one keeps what the provider reported so far (Anthropic reports input at the start) and
 * estimates the output it streamed, marked as estimated, so nothing goes unbilled.
 */
function accountUsage(context: RequestContext, fold: StreamFold, inputBytes: number, outputChars: number): void {
  const seen = fold.lastUsage;
  if (fold.ended && seen) {
    context.usage = seen;
    return;
  }
  if (!seen) {
    estimateUsage(context, inputBytes, outputChars);
    return;
  }
  const estimatedOutput = Math.ceil(outputChars / 4);
  context.usage = { ...seen, outputTokens: Math.max(seen.outputTokens, estimatedOutput) };
  context.usageEstimated = estimatedOutput > seen.outputTokens || seen.inputTokens === 0;
}

/**
 * The answer's verdicts are recorded only for the attempt that answers the client: held until
 * it claims the client (a hedged attempt that loses records nothing), then passed straight on.
 */
function untilClaimed(options: OutputGuardOptions): { options: OutputGuardOptions; release(): void } {
  let held: GuardrailVerdict[] | undefined = [];
  return {
    options: { ...options, onVerdict: (verdict) => (held ? held.push(verdict) : options.onVerdict(verdict)) },
    release() {
      const verdicts = held ?? [];
      held = undefined;
      for (const verdict of verdicts) options.onVerdict(verdict);
    },
  };
}
