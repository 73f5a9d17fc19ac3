/**
 * Client headers a same-dialect call may carry to a Responses upstream (an allowlist).
 * `openai-beta` selects API behaviour; organization/project are not forwarded: the gateway's
 * credentials decide which account pays.
 */
export const responsesForwardedHeaders: readonly string[] = ['openai-beta', 'x-client-request-id'];
