import { readFileSync } from 'node:fs';
import { GoogleAuth, type AuthClient } from 'google-auth-library';
import { GatewayError } from '../core/errors.ts';
import type { ProviderSettings } from './provider-descriptor.ts';

const cloudPlatformScope = 'https://www.googleapis.com/auth/cloud-platform';
/** The token endpoint google-auth-library always posts the service-account JWT to. */
const googleTokenUrl = 'https://oauth2.googleapis.com/token';

/**
 * OAuth2 access tokens for Vertex from a service-account file (`credentials.file`) or
 * application-default credentials, through google-auth-library: it caches the token and fetches
 * a new one before expiry (5 minutes early). A service-account file's `token_uri` is honoured
 * (the library posts to Google's endpoint whatever the file says), so a private endpoint or a
 * test's token server gets the JWT.
 */
export function createGoogleAccessToken(settings: ProviderSettings): () => Promise<string> {
  const keyFile = settings.credentials?.file;
  const auth = new GoogleAuth({ scopes: [cloudPlatformScope], ...(keyFile ? { keyFile } : {}) });
  let client: Promise<AuthClient> | undefined;
  const clientOnce = () => {
    client ??= auth.getClient().then((made) => {
      const tokenUri = serviceAccountTokenUri(keyFile ?? process.env.GOOGLE_APPLICATION_CREDENTIALS);
      if (tokenUri && tokenUri !== googleTokenUrl) {
        made.transporter.interceptors.request.add({
          resolved: async (options) => {
            if (String(options.url) === googleTokenUrl) options.url = new URL(tokenUri);
            return options;
          },
        });
      }
      return made;
    });
    client.catch(() => {
      client = undefined;
    });
    return client;
  };
  return async () => {
    try {
      const { token } = await (await clientOnce()).getAccessToken();
      if (!token) throw new Error('no access token');
      return token;
    } catch (cause) {
      throw new GatewayError({
        code: 'provider_authentication',
        message: `Provider "${settings.name}": no Google access token (${(cause as Error).message.slice(0, 200)}).`,
        cause,
      });
    }
  };
}

function serviceAccountTokenUri(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { type?: unknown; token_uri?: unknown };
    return json.type === 'service_account' && typeof json.token_uri === 'string' ? json.token_uri : undefined;
  } catch {
    return undefined; // the library reports an unreadable file itself
  }
}
