import { GatewayError } from '../core/errors.ts';
import type { ProviderSettings } from './provider-descriptor.ts';

/** `global` is served by aiplatform.googleapis.com, every other location by its regional host. */
export function vertexBaseUrl(location: string): string {
  return location === 'global' ? 'https://aiplatform.googleapis.com' : `https://${location}-aiplatform.googleapis.com`;
}

/** `…/v1/projects/{project}/locations/{location}/publishers/{publisher}/models/{model}:{method}`. */
export function vertexModelUrl(settings: ProviderSettings, publisher: 'google' | 'anthropic', model: string, method: string): string {
  if (!settings.project || !settings.region) {
    throw new GatewayError({ code: 'gateway_internal', message: `Provider "${settings.name}" has no project or location.` });
  }
  const path = `projects/${encodeURIComponent(settings.project)}/locations/${encodeURIComponent(settings.region)}/publishers/${publisher}/models`;
  return `${settings.baseUrl}/v1/${path}/${encodeURIComponent(model.replace(/^models\//, '')).replace('%40', '@')}:${method}`;
}

export function vertexModelsUrl(settings: ProviderSettings, publisher: 'google' | 'anthropic'): string {
  return `${settings.baseUrl}/v1/projects/${encodeURIComponent(settings.project ?? '')}/locations/${encodeURIComponent(settings.region ?? '')}/publishers/${publisher}/models`;
}

export const vertexCloud = {
  kind: 'google',
  regionEnv: ['GOOGLE_CLOUD_LOCATION', 'CLOUD_ML_REGION'],
  projectEnv: ['GOOGLE_CLOUD_PROJECT', 'ANTHROPIC_VERTEX_PROJECT_ID'],
  required: ['region', 'project'],
} as const;
