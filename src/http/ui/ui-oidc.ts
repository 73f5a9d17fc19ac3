import type { UiOidcConfig } from '../../config/ui-config.ts';
import { GatewayError } from '../../core/errors.ts';
import type { UiRole } from './ui-session.ts';

type OpenIdClient = typeof import('openid-client');
type Configuration = import('openid-client').Configuration;

/** What the sign-in redirect must remember until the provider sends the browser back. */
export interface OidcPending {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
}

/**
 * Dashboard single sign-on (authorization code flow with PKCE, state and nonce) through
 * `openid-client`, loaded on first use. The provider's metadata is discovered once per config
 * (again after a failure). Plain-HTTP issuers are accepted only on loopback (a local provider).
 */
export class UiOidc {
  private discovered: Promise<Configuration> | undefined;
  private discoveredFor: UiOidcConfig | undefined;

  async start(config: UiOidcConfig, redirectUri: string): Promise<{ url: string; pending: OidcPending }> {
    const client = await loadClient();
    const configuration = await this.configuration(config);
    const pending: OidcPending = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier(), redirectUri };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      response_type: 'code',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, pending };
  }

  /** Exchanges the code; answers the account's e-mail and role, or throws `policy_forbidden` naming why. */
  async finish(config: UiOidcConfig, callbackUrl: URL, pending: OidcPending): Promise<{ email: string; role: UiRole }> {
    const client = await loadClient();
    const configuration = await this.configuration(config);
    let claims: Record<string, unknown> | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims() as Record<string, unknown> | undefined;
      // Many providers keep the e-mail address out of the ID token: ask the userinfo endpoint.
      if (typeof claims?.['email'] !== 'string' && typeof claims?.['sub'] === 'string') {
        claims = { ...claims, ...((await client.fetchUserInfo(configuration, tokens.access_token, claims['sub'])) as Record<string, unknown>) };
      }
    } catch (error) {
      throw new GatewayError({
        code: 'policy_forbidden',
        message: `Single sign-on failed: ${error instanceof Error ? error.message : String(error)}`,
        cause: error,
      });
    }
    const email = typeof claims?.['email'] === 'string' ? claims['email'].toLowerCase() : undefined;
    if (!email)
      throw new GatewayError({
        code: 'policy_forbidden',
        message: 'Single sign-on: the identity provider sent no e-mail address (request the `email` scope).',
      });
    if (claims?.['email_verified'] === false)
      throw new GatewayError({ code: 'policy_forbidden', message: `Single sign-on: ${email} is not a verified address.` });
    const role = roleOf(config, email);
    if (!role)
      throw new GatewayError({ code: 'policy_forbidden', message: `${email} may not use this dashboard (not in ui.oidc.allowed_emails or allowed_domains).` });
    return { email, role };
  }

  private configuration(config: UiOidcConfig): Promise<Configuration> {
    if (this.discovered && this.discoveredFor === config) return this.discovered;
    this.discoveredFor = config;
    const discovered = (async () => {
      const client = await loadClient();
      const issuer = new URL(config.issuer);
      const loopback = issuer.hostname === '127.0.0.1' || issuer.hostname === 'localhost' || issuer.hostname === '[::1]';
      if (issuer.protocol === 'http:' && !loopback)
        throw new GatewayError({ code: 'gateway_internal', message: 'ui.oidc.issuer must be https (plain http only for a provider on this machine).' });
      return client.discovery(
        issuer,
        config.clientId,
        config.clientSecret.reveal(),
        undefined,
        issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {},
      );
    })();
    this.discovered = discovered;
    discovered.catch(() => {
      if (this.discovered === discovered) this.discovered = undefined;
    });
    return discovered;
  }
}

/** admin for `admin_emails` / `admin_domains`, viewer for the other allowed accounts, none for the rest. */
export function roleOf(config: Pick<UiOidcConfig, 'allowedEmails' | 'allowedDomains' | 'adminEmails' | 'adminDomains'>, email: string): UiRole | undefined {
  const address = email.toLowerCase();
  const domain = address.slice(address.lastIndexOf('@') + 1);
  if (config.adminEmails.includes(address) || config.adminDomains.includes(domain)) return 'admin';
  if (config.allowedEmails.includes(address) || config.allowedDomains.includes(domain)) return 'viewer';
  return undefined;
}

let loaded: Promise<OpenIdClient> | undefined;
function loadClient(): Promise<OpenIdClient> {
  loaded ??= import('openid-client');
  return loaded;
}
