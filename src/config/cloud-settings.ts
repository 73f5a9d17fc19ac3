import type { CloudCredentials, ProviderDescriptor } from '../providers/provider-descriptor.ts';
import { ConfigError } from './config-error.ts';
import type { ProviderConfigFile } from './schema.ts';
import { Secret } from './secret.ts';

export interface CloudSettings {
  region?: string;
  project?: string;
  credentials?: CloudCredentials;
}

/**
 * Region, project and credentials of a Bedrock or Vertex provider (docs/decisions/0013): from
 * the config, else the cloud's usual environment variables. Keys become `Secret`s; an AWS key
 * id without its secret (or the reverse) is refused here rather than at the first call.
 */
export function cloudSettings(name: string, provider: ProviderConfigFile, descriptor: ProviderDescriptor, env: NodeJS.ProcessEnv): CloudSettings {
  const settings: CloudSettings = {};
  const cloud = descriptor.cloud;
  if (!cloud) {
    for (const field of ['region', 'project', 'credentials'] as const) {
      if (provider[field] !== undefined) throw new ConfigError(`providers.${name}.${field}: only for bedrock and vertex providers (type ${provider.type})`);
    }
    return settings;
  }
  const region = provider.region ?? cloud.regionEnv.map((variable) => env[variable]).find((value) => value);
  const project = provider.project ?? cloud.projectEnv?.map((variable) => env[variable]).find((value) => value);
  if (region) settings.region = region;
  if (project) settings.project = project;
  for (const field of cloud.required) {
    if (!settings[field]) {
      const variables = field === 'region' ? cloud.regionEnv : (cloud.projectEnv ?? []);
      throw new ConfigError(
        `providers.${name}.${field}: required for type ${provider.type}`,
        variables.length > 0 ? `or set ${variables.join(' or ')}` : undefined,
      );
    }
  }
  const given = provider.credentials;
  if (given) {
    if ((given.access_key_id === undefined) !== (given.secret_access_key === undefined)) {
      throw new ConfigError(`providers.${name}.credentials: access_key_id and secret_access_key go together`);
    }
    const credentials: CloudCredentials = {};
    if (given.access_key_id) credentials.accessKeyId = given.access_key_id;
    if (given.secret_access_key) credentials.secretAccessKey = new Secret(given.secret_access_key);
    if (given.session_token) credentials.sessionToken = new Secret(given.session_token);
    if (given.profile) credentials.profile = given.profile;
    if (given.file) credentials.file = given.file;
    settings.credentials = credentials;
  }
  return settings;
}
