/**
 * Client headers a same-dialect call may carry to Anthropic (an allowlist; everything else,
 * user-agent, cookies, x-forwarded-for, SDK telemetry, stays here). `anthropic-beta` turns
 * features on that the body relies on; `anthropic-version` is always the provider's own.
 */
export const anthropicForwardedHeaders: readonly string[] = ['anthropic-beta', 'x-client-request-id'];
