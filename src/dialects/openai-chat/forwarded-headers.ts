/** Client headers a same-dialect call may carry to a Chat Completions upstream (an allowlist). */
export const chatForwardedHeaders: readonly string[] = ['openai-beta', 'x-client-request-id'];
