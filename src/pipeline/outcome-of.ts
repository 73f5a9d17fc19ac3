import type { ErrorCode } from '../core/errors.ts';
import type { Outcome } from '../store/ports.ts';

/** Which log outcome (`store/ports.ts`) an error code means. */
export function outcomeOf(code: ErrorCode): Outcome {
  if (code === 'policy_invalid_api_key') return 'rejected_auth';
  if (code === 'policy_model_not_allowed' || code === 'policy_model_not_found' || code === 'policy_forbidden') return 'rejected_model';
  if (code === 'policy_rate_limited') return 'rejected_rate';
  if (code === 'policy_budget_exceeded') return 'rejected_budget';
  if (code === 'policy_secret_detected' || code === 'caller_content_policy') return 'rejected_guardrail';
  if (code.startsWith('caller_')) return 'invalid_request';
  if (code === 'provider_timeout') return 'upstream_timeout';
  if (code.startsWith('provider_') || code.startsWith('routing_')) return 'upstream_error';
  return 'gateway_error';
}
