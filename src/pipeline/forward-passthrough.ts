import { SseHeartbeat } from './sse-heartbeat.ts';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { asGatewayError, writeChunk } from './client-io.ts';
import { checkAnswerShape } from '../upstream/check-answer-shape.ts';
import { parseUpstreamJson, readBoundedBody } from '../upstream/read-bounded-body.ts';
import { SseEventGuard } from '../upstream/sse-event-guard.ts';
import { upstreamLimits } from '../config/upstream-limits.ts';
import { forwardedHeaders } from './forwarded-headers.ts';
import type { TargetConfig } from '../config/runtime-config.ts';
import { GatewayError } from '../core/errors.ts';
import { rememberParsedJson } from '../core/parsed-json.ts';
import type { ConfiguredProvider as Provider } from '../config/runtime-config.ts';
import type { UpstreamClient } from '../upstream/upstream-client.ts';
import { providerChunks, sendProviderCall } from './send-provider-call.ts';
import { modelHeaders } from './model-headers.ts';
import { readUpstreamError } from './read-upstream-error.ts';
import type { RequestContext } from './request-context.ts';
import type { Surface } from '../core/surface.ts';
import type { RequestBody } from '../core/request-body.ts';
import { estimateUsage } from './estimate-usage.ts';
import { claimClient } from './claim-client.ts';

export interface PassthroughInput {
  body: RequestBody;
  clientHeaders: IncomingHttpHeaders;
  fallbackCount: number;
  signal: AbortSignal;
  /** Idle time after which a comment keeps the client stream alive. */
  heartbeatMs: number;
  /** The body asks the upstream for usage the client did not ask for: the meter hides it again. */
  hideUsage: boolean;
  /** A hedged attempt: must win this before its first byte reaches the client. */
  claim?: () => boolean;
}

/**
 * Same-dialect path: only the model name and the credentials change. The request body is
 * forwarded as received when the model name already matches; SSE bytes are written to the
 * client as they arrive, while a meter reads a copy for usage.
 */
export async function forwardPassthrough(
  context: RequestContext,
  surface: Surface,
  provider: Provider,
  target: TargetConfig,
  upstreamClient: UpstreamClient,
  input: PassthroughInput,
  response: ServerResponse,
): Promise<void> {
  const outgoing = surface.withModel(input.body, target.model);
  const prepared = provider.prepare({ model: target.model, stream: context.stream });
  const headers = { ...forwardedHeaders(surface.dialect, input.clientHeaders), ...prepared.headers };
  const upstream = await sendProviderCall(
    upstreamClient,
    provider,
    { url: prepared.url, headers },
    { body: outgoing, model: target.model, stream: context.stream, signal: input.signal },
  );
  if (upstream.statusCode >= 400) throw await readUpstreamError(upstream, surface.codec, provider.config, provider.transport);
  checkAnswerShape(upstream, provider.config, context.stream, provider.transport?.streamContentType);

  if (!context.stream) {
    const bytes = await readBoundedBody(upstream, provider.config, (provider.config.limits ?? upstreamLimits).maxBodyBytes);
    const answer = parseUpstreamJson(bytes, provider.config);
    // Written as it came: a stored Responses turn reads the answer from this parse.
    rememberParsedJson(bytes, answer);
    claimClient(input.claim);
    context.markFirstByte();
    try {
      context.usage = surface.readUsage(answer);
    } catch {
      context.warnings.add('usage_unreadable', 'The upstream response could not be read for usage.');
    }
    if (!context.usage) estimateUsage(context, input.body.raw.length, bytes.length);
    context.status = 200;
    response.writeHead(200, { ...modelHeaders(context, input.fallbackCount), 'content-type': 'application/json', 'content-length': bytes.length });
    response.end(bytes);
    return;
  }

  const meter = surface.createMeter(context.model ?? target.model, { hideUsage: input.hideUsage });
  const guard = new SseEventGuard((provider.config.limits ?? upstreamLimits).maxSseEventBytes, provider.config.name);
  let committed = false;
  let heartbeat: SseHeartbeat | undefined;
  try {
    for await (const chunk of providerChunks(upstream, provider, target.model)) {
      guard.push(chunk as Buffer);
      if (!committed) {
        claimClient(input.claim);
        committed = true;
        context.status = 200;
        response.writeHead(200, { ...modelHeaders(context, input.fallbackCount), 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        context.markFirstByte();
        heartbeat = new SseHeartbeat(response, input.heartbeatMs);
      }
      const out = meter.transform ? (meter.transform(chunk as Buffer) as Buffer) : (chunk as Buffer);
      if (out.length > 0) {
        heartbeat?.wrote(out);
        const written = writeChunk(response, out);
        if (written === false || (written !== true && !(await written))) break;
      }
      if (!meter.transform) meter.push(chunk as Buffer);
    }
    if (meter.transform) {
      const rest = meter.transform(undefined);
      if (rest.length > 0 && !response.destroyed) response.write(rest);
    } else meter.finish();
  } catch (error) {
    if (input.signal.aborted) throw error;
    const failure = asGatewayError(error, context.requestId);
    if (!committed) throw failure;
    endBrokenStream(context, response, meter.encodeFailure(failure.toShape()), failure);
    return;
  } finally {
    heartbeat?.stop();
    context.usage = meter.usage ?? context.usage;
    if (!meter.usage) estimateUsage(context, input.body.raw.length, meter.outputChars);
  }
  // The client went away (the abort may not have fired yet): the handler records it.
  if (input.signal.aborted || response.destroyed) return;
  if (!committed) {
    throw new GatewayError({ code: 'provider_error', message: 'The provider closed the stream without sending anything.' });
  }
  if (!meter.terminal) {
    const failure = new GatewayError({ code: 'provider_error', message: 'The provider stream ended before the response was complete.' });
    endBrokenStream(context, response, meter.encodeFailure(failure.toShape()), failure);
    return;
  }
  if (meter.terminal === 'failed') context.fail({ code: 'provider_error', message: 'The provider ended the stream with its own error event.' });
  response.end();
}

function endBrokenStream(context: RequestContext, response: ServerResponse, bytes: string, failure: GatewayError): void {
  context.fail(failure);
  if (!response.destroyed) response.end(bytes);
}
