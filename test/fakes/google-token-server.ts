// A local stand-in for Google's OAuth2 token endpoint: the service-account JWT bearer flow
// (RFC 7523). google-auth-library signs a JWT with the service account's private key; this
// server verifies it with the public key (RS256), checks issuer, audience, scope and times, and
// issues an opaque access token that the Vertex emulator accepts until it expires.
// Standalone: no imports from src/.
import { createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomAlphanumeric, startFakeServer, writeJson } from './fake-http.ts';
import type { RecordedRequest } from './scenario.ts';

export type GoogleTokenServer = {
  /** The token endpoint (`token_uri` of the service-account file). */
  tokenUri: string;
  clientEmail: string;
  requests: RecordedRequest[];
  /** Whether an access token was issued by this server and has not expired. */
  isValidToken(token: string): boolean;
  /** Writes a service-account JSON file (the shape the Cloud console downloads) pointing at this server. */
  writeServiceAccountFile(dir: string, options?: { privateKeyPem?: string }): Promise<string>;
  /** How many tokens were issued. */
  issued(): number;
  close(): Promise<void>;
};

const grantType = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const googleTokenUrl = 'https://oauth2.googleapis.com/token';
const cloudPlatform = 'https://www.googleapis.com/auth/cloud-platform';

export async function startGoogleTokenServer(options: { projectId?: string; tokenLifetimeSeconds?: number } = {}): Promise<GoogleTokenServer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const projectId = options.projectId ?? 'switchyard-test';
  const clientEmail = `gateway@${projectId}.iam.gserviceaccount.com`;
  const keyId = randomAlphanumeric(40).toLowerCase();
  const lifetime = options.tokenLifetimeSeconds ?? 3599;
  const tokens = new Map<string, number>();
  const requests: RecordedRequest[] = [];

  const server = await startFakeServer((request, response, rawBody) => {
    const fail = (description: string, error = 'invalid_grant') => writeJson(response, 400, { error, error_description: description });
    if (request.method !== 'POST' || request.url !== '/token') return writeJson(response, 404, { error: 'not_found' });
    const form = new URLSearchParams(rawBody);
    if (form.get('grant_type') !== grantType) return fail('Invalid grant_type.', 'unsupported_grant_type');
    const claims = verifyJwt(form.get('assertion') ?? '', publicKey, keyId);
    if (typeof claims === 'string') return fail(claims);
    const now = Math.floor(Date.now() / 1000);
    if (claims.iss !== clientEmail) return fail('Invalid JWT: the issuer is not a known service account.', 'invalid_client');
    if (claims.aud !== googleTokenUrl && claims.aud !== server.origin + '/token') return fail('Invalid JWT: audience mismatch.');
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number' || claims.exp <= now || claims.iat > now + 300 || claims.exp - claims.iat > 3600) {
      return fail('Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.');
    }
    if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes(cloudPlatform))
      return fail('Invalid OAuth scope or ID token audience provided.', 'invalid_scope');
    const token = `ya29.c.${randomAlphanumeric(120)}`;
    tokens.set(token, Date.now() + lifetime * 1000);
    writeJson(response, 200, { access_token: token, expires_in: lifetime, token_type: 'Bearer' });
  }, requests);

  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    tokenUri: `${server.origin}/token`,
    clientEmail,
    requests,
    isValidToken: (token) => (tokens.get(token) ?? 0) > Date.now(),
    issued: () => tokens.size,
    async writeServiceAccountFile(dir, fileOptions = {}) {
      const file = join(dir, 'service-account.json');
      const json = {
        type: 'service_account',
        project_id: projectId,
        private_key_id: keyId,
        private_key: fileOptions.privateKeyPem ?? privateKeyPem,
        client_email: clientEmail,
        client_id: '104857600000000000000',
        auth_uri: 'https://accounts.google.com/o/oauth2/auth',
        token_uri: `${server.origin}/token`,
        auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
        client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
        universe_domain: 'googleapis.com',
      };
      await writeFile(file, JSON.stringify(json, null, 2));
      return file;
    },
    close: () => server.close(),
  };
}

/** RS256 JWT → its claims, or why it is refused (Google's words). */
function verifyJwt(assertion: string, publicKey: KeyObject, keyId: string): Record<string, unknown> | string {
  const parts = assertion.split('.');
  if (parts.length !== 3) return 'Invalid JWT: malformed.';
  const [head = '', body = '', signature = ''] = parts;
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return 'Invalid JWT: malformed.';
  }
  if (header.alg !== 'RS256') return 'Invalid JWT: unsupported algorithm.';
  if (header.kid !== undefined && header.kid !== keyId) return 'Invalid JWT Signature.';
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${head}.${body}`);
  if (!verifier.verify(publicKey, Buffer.from(signature, 'base64url'))) return 'Invalid JWT Signature.';
  return claims;
}
