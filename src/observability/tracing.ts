import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { createRequire } from 'node:module';
import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as Resources from '@opentelemetry/resources';
import type * as SdkTraceBase from '@opentelemetry/sdk-trace-base';
import type { RequestLogRow } from '../store/ports.ts';
import { attributeNames, requestEndAttributes, safeString, type RequestEndExtras } from './trace-attributes.ts';

export { genAiProviderNames, type RequestEndExtras } from './trace-attributes.ts';

export interface TracerOptions {
  /** OTLP/HTTP endpoint: a base (`http://collector:4318`, `/v1/traces` is added) or the full traces URL. None = tracing off. */
  endpoint?: string;
  /** Sent with every export (collector auth such as `x-honeycomb-team`); never copied into spans. */
  headers?: Record<string, string>;
  serviceName?: string;
  /** Config provider name → `gen_ai.provider.name` (see `genAiProviderNames`). */
  providerNames?: Record<string, string>;
}

export interface RequestSpanStart {
  requestId: string;
  surface: string;
  endpoint: string;
  /** The client's W3C `traceparent` header, to continue its trace. */
  traceparent?: string | undefined;
}

export interface AttemptSpan {
  /** `error` is a gateway error code (or an error carrying one); messages are never recorded. */
  end(status: number | null, error?: string | { code: string }): void;
  /** A W3C `traceparent` value naming this attempt, to send upstream; undefined when tracing is off. */
  traceparent(): string | undefined;
}

export interface RequestSpan {
  startAttempt(provider: string, model: string): AttemptSpan;
  end(row: RequestLogRow, extras?: RequestEndExtras): void;
}

export interface GatewayTracer {
  readonly enabled: boolean;
  startRequest(start: RequestSpanStart): RequestSpan;
  /** Exports what is buffered without stopping. */
  forceFlush(): Promise<void>;
  /** Exports what is buffered and stops (SIGTERM). */
  shutdown(): Promise<void>;
}

/** Outcomes that are the gateway's or a provider's failure (4xx rejections are the caller's and leave the span unset). */
const failedOutcomes = new Set(['upstream_error', 'upstream_timeout', 'gateway_error']);

/**
 * OpenTelemetry tracing over OTLP/HTTP (JSON): one SERVER span per request and one CLIENT span
 * per upstream attempt under it. The provider is private to this tracer (no global
 * registration), so several gateways in one process each export their own spans.
 */
export function createTracer(options: TracerOptions): GatewayTracer {
  if (!options.endpoint) return noopTracer;
  // The SDK and exporter load only when tracing is on (about 18 MB a gateway without OTLP never pays).
  const require = createRequire(import.meta.url);
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttp;
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof Resources;
  const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof SdkTraceBase;
  const exporter = new OTLPTraceExporter({ url: tracesUrl(options.endpoint), headers: { ...options.headers } });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'switchyard' }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('switchyard');
  const providerNames = options.providerNames ?? {};
  return {
    enabled: true,
    startRequest: (start) => startRequestSpan(tracer, providerNames, start),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

function startRequestSpan(tracer: Tracer, providerNames: Record<string, string>, start: RequestSpanStart): RequestSpan {
  const parent = remoteParent(start.traceparent);
  const span = tracer.startSpan(
    'chat',
    {
      kind: SpanKind.SERVER,
      attributes: {
        [attributeNames.operationName]: 'chat',
        'switchyard.request_id': start.requestId,
        'switchyard.surface': start.surface,
        [attributeNames.urlPath]: start.endpoint,
      },
    },
    parent,
  );
  const requestContext = trace.setSpan(ROOT_CONTEXT, span);
  let ended = false;
  return {
    startAttempt(providerName, model) {
      const attempt = tracer.startSpan(
        `chat ${safeString(model)}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            [attributeNames.operationName]: 'chat',
            [attributeNames.providerName]: providerNames[providerName] ?? providerName,
            [attributeNames.requestModel]: safeString(model),
            'switchyard.provider': providerName,
          },
        },
        requestContext,
      );
      return attemptSpan(attempt);
    },
    end(row, extras) {
      if (ended) return;
      ended = true;
      span.setAttributes(requestEndAttributes(row, providerNames, extras));
      if (row.model !== null) span.updateName(`chat ${safeString(row.model)}`);
      if (failedOutcomes.has(row.outcome)) span.setStatus({ code: SpanStatusCode.ERROR, message: row.errorCode ?? row.outcome });
      span.end();
    },
  };
}

function attemptSpan(span: Span): AttemptSpan {
  let ended = false;
  return {
    end(status, error) {
      if (ended) return;
      ended = true;
      if (status !== null) span.setAttribute(attributeNames.httpResponseStatusCode, status);
      const code = typeof error === 'string' ? error : error?.code;
      if (code) {
        span.setAttribute(attributeNames.errorType, safeString(code));
        span.setStatus({ code: SpanStatusCode.ERROR, message: safeString(code) });
      }
      span.end();
    },
    traceparent() {
      const { traceId, spanId, traceFlags } = span.spanContext();
      return `00-${traceId}-${spanId}-${(traceFlags & TraceFlags.SAMPLED ? 1 : 0).toString(16).padStart(2, '0')}`;
    },
  };
}

/** A valid W3C traceparent becomes the remote parent; anything else starts a new trace. */
function remoteParent(header: string | undefined): Context {
  const match = header
    ?.trim()
    .toLowerCase()
    .match(/^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/);
  if (!match || match[1] === 'ff' || /^0+$/.test(match[2]!) || /^0+$/.test(match[3]!)) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: match[2]!,
    spanId: match[3]!,
    traceFlags: Number.parseInt(match[4]!, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  });
}

function tracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return trimmed.endsWith('/v1/traces') ? trimmed : `${trimmed}/v1/traces`;
}

const noopAttempt: AttemptSpan = { end() {}, traceparent: () => undefined };
const noopRequest: RequestSpan = { startAttempt: () => noopAttempt, end() {} };
const noopTracer: GatewayTracer = {
  enabled: false,
  startRequest: () => noopRequest,
  forceFlush: async () => {},
  shutdown: async () => {},
};
