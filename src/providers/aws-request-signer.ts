import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { GatewayError } from '../core/errors.ts';
import type { ProviderSettings } from './provider-descriptor.ts';

/**
 * SigV4 for one Bedrock provider (@smithy/signature-v4): credentials are the config's static
 * keys, else the AWS SDK's default chain (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/
 * `AWS_SESSION_TOKEN`, a `profile` (or `AWS_PROFILE`) from the shared files, SSO, web
 * identity, container and instance roles), which caches and refreshes what expires.
 */
export function createAwsRequestSigner(settings: ProviderSettings, service: string) {
  const credentials = awsCredentials(settings);
  const signer = new SignatureV4({ credentials, region: settings.region ?? 'us-east-1', service, sha256: Sha256 });
  return async (call: { url: string; headers: Record<string, string>; body?: Buffer; method?: 'GET' | 'POST' }): Promise<Record<string, string>> => {
    const url = new URL(call.url);
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) query[name] = value;
    let signed: { headers: Record<string, string> };
    try {
      signed = await signer.sign({
        method: call.method ?? 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query,
        headers: { ...call.headers, host: url.host },
        ...(call.body ? { body: call.body } : {}),
      });
    } catch (cause) {
      throw new GatewayError({
        code: 'provider_authentication',
        message: `Provider "${settings.name}": no AWS credentials (${(cause as Error).message.slice(0, 200)}).`,
        cause,
      });
    }
    // undici writes the same Host from the URL.
    const { host: _host, ...headers } = signed.headers;
    return headers;
  };
}

type AwsCredentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

function awsCredentials(settings: ProviderSettings): AwsCredentials {
  const given = settings.credentials;
  if (given?.accessKeyId && given.secretAccessKey) {
    const identity = {
      accessKeyId: given.accessKeyId,
      secretAccessKey: given.secretAccessKey.reveal(),
      ...(given.sessionToken ? { sessionToken: given.sessionToken.reveal() } : {}),
    };
    return async () => identity;
  }
  return defaultProvider(given?.profile ? { profile: given.profile } : {});
}
