import { GatewayError } from '../core/errors.ts';

/**
 * The Anthropic Messages body as Bedrock (InvokeModel) and Vertex (rawPredict) take it: the
 * model is in the URL, so none in the body; `anthropic_version` in the body instead of the
 * header. Bedrock also takes the stream flag from the URL and the betas as `anthropic_beta`.
 */
export function anthropicCloudBody(
  body: Buffer,
  headers: Record<string, string>,
  options: { version: string; streamInBody: boolean; betasInBody: boolean },
): { body: Buffer; headers: Record<string, string> } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (cause) {
    throw new GatewayError({ code: 'caller_invalid_request', message: 'The request body is not valid JSON.', cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayError({ code: 'caller_invalid_request', message: 'The request body must be a JSON object.' });
  }
  const { model: _model, stream, ...rest } = parsed as Record<string, unknown>;
  const out: Record<string, unknown> = { anthropic_version: options.version, ...rest };
  if (options.streamInBody && stream !== undefined) out.stream = stream;
  const { 'anthropic-version': _version, 'anthropic-beta': betas, ...kept } = headers;
  if (betas !== undefined && !options.betasInBody) kept['anthropic-beta'] = betas;
  if (betas !== undefined && options.betasInBody) {
    const list = betas
      .split(',')
      .map((beta) => beta.trim())
      .filter((beta) => beta.length > 0);
    if (list.length > 0) out.anthropic_beta = list;
  }
  return { body: Buffer.from(JSON.stringify(out)), headers: kept };
}
