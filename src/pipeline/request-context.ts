import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { KeyConfig } from '../config/runtime-config.ts';
import type { PricingConfig } from '../config/schema.ts';
import { costMicros, findPricing } from '../observability/pricing.ts';
import type { DialectId, Usage } from '../core/ir/index.ts';
import { Warnings } from '../core/warnings.ts';
import type { AttemptRecord, Outcome } from '../store/ports.ts';
import type { RequestAttribution } from '../store/spend-store.ts';
import type { GatewayError } from '../core/errors.ts';
import { outcomeOf } from './outcome-of.ts';
import type { GuardrailsConfig } from '../config/guardrails-config.ts';
import type { GuardrailVerdict } from '../policy/guardrails/evaluate-request.ts';

/** Everything known about one request as it flows down the pipe; the log row is built from it. */
export class RequestContext {
  // randomUUID draws from a cached entropy pool: far cheaper per request than randomBytes.
  readonly requestId = `req_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
  readonly startedAt = new Date();
  readonly startedMs = performance.now();
  readonly warnings = new Warnings();
  readonly attempts: AttemptRecord[] = [];
  key: KeyConfig | undefined;
  model: string | null = null;
  servedModel: string | null = null;
  provider: string | null = null;
  stream = false;
  status = 0;
  outcome: Outcome | undefined;
  errorCode: string | null = null;
  errorMessage: string | null = null;
  usage: Usage | undefined;
  usageEstimated = false;
  costMicros = 0;
  ttfbMs: number | null = null;
  /** How many targets the last attempt fell back past (the request metrics and the span report it). */
  fallbacks = 0;
  /** The served target's config pricing override, if any. */
  pricing: PricingConfig | undefined;
  rule: string | null = null;
  /** What the request said about itself (attribution headers, metadata, tags). */
  attribution: RequestAttribution = { attributes: {}, tags: [] };
  /** `strategy: experiment`: the alias and the variant this request was assigned. */
  experiment: string | null = null;
  variant: string | null = null;
  requestBody: string | null = null;
  responseBody: string | null = null;
  /** The guardrails in force for this request (set once the key and model are known). */
  guardrails: GuardrailsConfig | undefined;
  /** The response cache's verdict (`x-switchyard-cache`) and, for a hit, what the answer cost when it was made. */
  cacheResult: 'hit' | 'miss' | 'bypass' = 'bypass';
  costSavedMicros = 0;
  /** What the guardrails found (rule, action, location, fingerprint; never a value). */
  readonly guardrailVerdicts: GuardrailVerdict[] = [];

  constructor(
    readonly surface: DialectId,
    readonly endpoint: string,
  ) {}

  elapsedMs(): number {
    return Math.round((performance.now() - this.startedMs) * 100) / 100;
  }

  /** Prices the usage seen so far against the served model (integer micro-dollars). */
  price(): number {
    // A cache hit reached no provider: it costs nothing (its saved cost is on the row).
    if (this.cacheResult === 'hit') return (this.costMicros = 0);
    this.costMicros = this.usage && this.servedModel ? costMicros(this.usage, findPricing(this.servedModel, this.pricing)) : 0;
    return this.costMicros;
  }

  /** Records a failure: outcome, code and message together (the log row's story). */
  fail(error: Pick<GatewayError, 'code' | 'message'>): void {
    this.outcome = outcomeOf(error.code);
    this.errorCode = error.code;
    this.errorMessage = error.message;
  }

  markFirstByte(): void {
    if (this.ttfbMs === null) this.ttfbMs = this.elapsedMs();
  }

  /** Time to first byte counted from `startedMs` (an attempt's own start, in elapsedMs terms); null before the first byte. */
  firstByteAfter(startedMs: number): number | null {
    return this.ttfbMs === null ? null : Math.max(0, this.ttfbMs - startedMs);
  }

  /**
   * A context for one of several attempts running at once (hedging): the same request (id,
   * clock, key, warnings, verdicts), but its own status, usage, timing and served target, so
   * the attempt that loses cannot overwrite the winner's. `adopt` takes the winner's back.
   */
  forkAttempt(): RequestContext {
    const child = Object.create(RequestContext.prototype) as RequestContext;
    Object.assign(child, this);
    child.ttfbMs = null;
    child.usage = undefined;
    child.usageEstimated = false;
    child.status = 0;
    child.outcome = undefined;
    child.errorCode = null;
    child.errorMessage = null;
    child.costMicros = 0;
    return child;
  }

  adopt(attempt: RequestContext): void {
    for (const field of adoptedFields) (this as unknown as Record<string, unknown>)[field] = (attempt as unknown as Record<string, unknown>)[field];
  }
}

/** What an attempt's own context holds that the request's takes from the winner. */
const adoptedFields = [
  'status',
  'outcome',
  'errorCode',
  'errorMessage',
  'usage',
  'usageEstimated',
  'costMicros',
  'ttfbMs',
  'provider',
  'servedModel',
  'pricing',
] as const satisfies ReadonlyArray<keyof RequestContext>;
