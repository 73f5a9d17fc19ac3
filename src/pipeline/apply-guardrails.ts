import type { ServerResponse } from 'node:http';
import { RequestBody } from '../core/request-body.ts';
import type { RequestTextSource } from '../core/request-text.ts';
import type { Surface } from '../core/surface.ts';
import { activeCategories, evaluateRequest, type GuardrailVerdict, type RequestText } from '../policy/guardrails/evaluate-request.ts';
import { rawBodyMayHaveFindings } from '../policy/guardrails/scan-texts.ts';
import { guardrailsFor } from '../policy/guardrails/guardrails-for.ts';
import type { OutputGuardOptions } from '../policy/guardrails/output-guard.ts';
import { SecretVault } from '../policy/guardrails/secret-vault.ts';
import type { RuntimeConfig } from '../config/runtime-config.ts';
import type { Gateway } from './gateway.ts';
import type { RequestContext } from './request-context.ts';

/** The header value: what fired, by rule and action (contract §5), each pair once. */
export function guardrailsHeader(verdicts: GuardrailVerdict[]): string {
  return [...new Set(verdicts.map((verdict) => `${verdict.rule}=${verdict.action}`))].join(',');
}

/**
 * Runs the request's guardrails before anything is logged or sent: scans every text the
 * provider would see (through the surface's `mapRequestText`, so both paths and every dialect
 * see the same texts), records the verdicts (log row warnings, metrics, the header; the trace
 * reads them from the context), and returns the body to send: rewritten only when something was
 * redacted. A `block` verdict throws the refusal. With `scan_output` (and secrets not off) it
 * also returns how the answer is to be judged (`output`): the model's own secrets are flagged,
 * or redacted when secrets redact or block, with the same evidence as the request's.
 */
export async function applyGuardrails(
  gateway: Gateway,
  /** The config snapshot this request runs on (a reload mid-request does not change it). */
  runtimeConfig: RuntimeConfig,
  surface: Surface,
  context: RequestContext,
  body: RequestBody,
  response: ServerResponse,
): Promise<{ body: RequestBody; vault: SecretVault; output?: OutputGuardOptions }> {
  const config = guardrailsFor(runtimeConfig, context.key, context.model);
  context.guardrails = config;
  const salt = runtimeConfig.guardrailsSalt.salt.reveal();
  const categories = activeCategories(config);
  if (categories.size === 0) return { body, vault: new SecretVault(salt) };
  const output = (carried: Set<string>): { output?: OutputGuardOptions } =>
    config.scanOutput && config.secrets !== 'off'
      ? { output: { action: config.secrets === 'flag' ? 'flag' : 'redact', salt, carried, onVerdict: (verdict) => record([verdict]) } }
      : {};
  // A body with no sign of anything a rule could find (checked on its raw bytes, stopping at the
  // first sign) is not parsed for the scan: the passthrough keeps its no-parse path.
  if (body.raw.length <= config.maxScanChars && !rawBodyMayHaveFindings(body.raw, categories)) {
    return { body, vault: new SecretVault(salt), ...output(new Set()) };
  }
  const texts: RequestText[] = [];
  const fields = body.fields();
  surface.mapRequestText(fields, (text: string, location: string, source: RequestTextSource, json: boolean) => {
    texts.push({ text, location, source, json });
    return text;
  });
  const result = await evaluateRequest(texts, config, salt);
  function record(verdicts: GuardrailVerdict[]): void {
    context.guardrailVerdicts.push(...verdicts);
    for (const verdict of verdicts) {
      gateway.metrics.countGuardrailHit(verdict.rule, verdict.action);
      context.warnings.add(`guardrail_${verdict.action}`, `${verdict.rule} at ${verdict.location} (${verdict.fingerprint})`);
    }
    // Output verdicts make the header only while it is not sent (a stream's first content batch).
    if (verdicts.length > 0 && !response.headersSent) response.setHeader('x-switchyard-guardrails', guardrailsHeader(context.guardrailVerdicts));
  }
  record(result.verdicts);
  if (result.blocked) throw result.blocked;
  const withOutput = output(result.carried);
  if (result.replacements.size === 0) return { body, vault: result.vault, ...withOutput };
  let index = 0;
  const redacted = surface.mapRequestText(fields, (text) => result.replacements.get(index++) ?? text);
  return { body: new RequestBody(Buffer.from(JSON.stringify(redacted))), vault: result.vault, ...withOutput };
}
