import type { CloudCredentials, ProviderDescriptor } from '../providers/provider-descriptor.ts';
import { ConfigError } from './config-error.ts';
import type { ProviderConfigFile } from './schema.ts';
import { Secret } from './secret.ts';

export interface CloudSettings {
  region?: string;
  project?: string;
  credentials?: CloudCredentials;
}

const awsFields = ['region', 'access_key_id', 'secret_access_key', 'session_token', 'profile'] as const;
const googleFields = ['location', 'project', 'credentials_file'] as const;

/**
 * Region (Bedrock) or location (Vertex), project and credentials of a cloud provider
 * (docs/decisions/0013): from the config, else the cloud's usual environment variables; absent
 * credentials mean the cloud SDK's default chain. Keys become `Secret`s; a key id without its
 * secret (or the reverse), or another cloud's field, is refused here rather than at the first call.
 */
export function cloudSettings(name: string, provider: ProviderConfigFile, descriptor: ProviderDescriptor, env: NodeJS.ProcessEnv): CloudSettings {
  const cloud = descriptor.cloud;
  const allowed: readonly string[] = cloud?.kind === 'aws' ? awsFields : cloud?.kind === 'google' ? googleFields : [];
  for (const field of [...awsFields, ...googleFields]) {
    if (provider[field] !== undefined && !allowed.includes(field)) {
      throw new ConfigError(
        `providers.${name}.${field}: not a setting of type ${provider.type}`,
        cloud ? `it takes ${allowed.join(', ')}` : 'only bedrock and vertex providers take it',
      );
    }
  }
  const bedrockApi = provider.quirks?.bedrock_api;
  if (bedrockApi !== undefined && (cloud?.kind !== 'aws' || (bedrockApi !== 'invoke' && bedrockApi !== 'converse'))) {
    throw new ConfigError(
      `providers.${name}.quirks.bedrock_api: ${cloud?.kind === 'aws' ? `${JSON.stringify(bedrockApi)} is not an API` : `not a quirk of type ${provider.type}`}`,
      'bedrock providers take invoke (Claude through InvokeModel, the default) or converse',
    );
  }
  const settings: CloudSettings = {};
  if (!cloud) return settings;
  const given = cloud.kind === 'aws' ? provider.region : provider.location;
  const region = given ?? cloud.regionEnv.map((variable) => env[variable]).find((value) => value);
  const project = provider.project ?? cloud.projectEnv?.map((variable) => env[variable]).find((value) => value);
  if (region) settings.region = region;
  if (project) settings.project = project;
  for (const field of cloud.required) {
    if (!settings[field]) {
      const variables = field === 'region' ? cloud.regionEnv : (cloud.projectEnv ?? []);
      const key = field === 'region' && cloud.kind === 'google' ? 'location' : field;
      throw new ConfigError(
        `providers.${name}.${key}: required for type ${provider.type}`,
        variables.length > 0 ? `or set ${variables.join(' or ')}` : undefined,
      );
    }
  }
  if ((provider.access_key_id === undefined) !== (provider.secret_access_key === undefined)) {
    throw new ConfigError(`providers.${name}: access_key_id and secret_access_key go together`);
  }
  const credentials: CloudCredentials = {};
  if (provider.access_key_id) credentials.accessKeyId = provider.access_key_id;
  if (provider.secret_access_key) credentials.secretAccessKey = new Secret(provider.secret_access_key);
  if (provider.session_token) credentials.sessionToken = new Secret(provider.session_token);
  if (provider.profile) credentials.profile = provider.profile;
  if (provider.credentials_file) credentials.file = provider.credentials_file;
  if (Object.keys(credentials).length > 0) settings.credentials = credentials;
  return settings;
}
