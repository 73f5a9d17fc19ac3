/** Client headers a same-dialect call may carry to Gemini: none but the request id (`x-goog-api-client` is SDK telemetry). */
export const geminiForwardedHeaders: readonly string[] = ['x-client-request-id'];
