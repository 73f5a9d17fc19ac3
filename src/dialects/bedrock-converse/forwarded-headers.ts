/** Client headers a same-dialect call may carry to Bedrock: none but the request id (the gateway signs the call). */
export const converseForwardedHeaders: readonly string[] = ['x-client-request-id'];
