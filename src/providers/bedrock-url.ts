export const bedrockCloud = { kind: 'aws', regionEnv: ['AWS_REGION', 'AWS_DEFAULT_REGION'], required: ['region'] } as const;

export function bedrockBaseUrl(region: string): string {
  return `https://bedrock-runtime.${region}.amazonaws.com`;
}

/** `/model/{modelId}/{action}`: model ids (`anthropic.claude-…-v1:0`) and inference profiles (`us.…`, `global.…`, ARNs) encoded. */
export function bedrockModelUrl(baseUrl: string, model: string, action: string): string {
  return `${baseUrl}/model/${encodeURIComponent(model)}/${action}`;
}

export const eventStreamType = 'application/vnd.amazon.eventstream';
