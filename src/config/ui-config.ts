import { z } from 'zod';
import { ConfigError } from './config-error.ts';
import { Secret } from './secret.ts';

/** Who may use the dashboard at `/ui` and how (docs/decisions/0010). */
export interface UiConfig {
  /** Off: `/ui` answers 404 (the admin API stays). */
  enabled: boolean;
  /** How long a dashboard session lasts after sign-in. */
  sessionTtlMs: number;
  oidc?: UiOidcConfig;
}

/** Single sign-on through an OpenID Connect provider; who may sign in, and who of them is an admin. */
export interface UiOidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: Secret;
  /** Where the provider sends the browser back; default `<the request's origin>/ui/auth/callback`. */
  redirectUrl?: string;
  /** Lower-case addresses and domains that may sign in (a match in either lets a user in). */
  allowedEmails: string[];
  allowedDomains: string[];
  /** Signed-in users that are admins (everything); the others are viewers (logs and spend, no keys). */
  adminEmails: string[];
  adminDomains: string[];
}

const lowerCaseList = z
  .array(
    z
      .string()
      .min(1)
      .transform((value) => value.trim().toLowerCase()),
  )
  .optional();

export const uiSchema = z.strictObject({
  enabled: z.boolean().optional(),
  session_ttl_minutes: z.number().int().min(1).max(43_200).optional(),
  oidc: z
    .strictObject({
      issuer: z.url({ protocol: /^https?$/ }),
      client_id: z.string().min(1),
      client_secret: z.string().min(1),
      redirect_url: z.url({ protocol: /^https?$/ }).optional(),
      allowed_emails: lowerCaseList,
      allowed_domains: lowerCaseList,
      admin_emails: lowerCaseList,
      admin_domains: lowerCaseList,
    })
    .optional(),
});

export type UiConfigFile = z.infer<typeof uiSchema>;

/** The `ui` block with defaults; OIDC must say who may sign in (an open door to every account of the provider is a mistake). */
export function buildUiConfig(file: UiConfigFile | undefined): UiConfig {
  const config: UiConfig = { enabled: file?.enabled ?? true, sessionTtlMs: (file?.session_ttl_minutes ?? 720) * 60_000 };
  const oidc = file?.oidc;
  if (!oidc) return config;
  const allowedEmails = oidc.allowed_emails ?? [];
  const allowedDomains = (oidc.allowed_domains ?? []).map((domain) => domain.replace(/^@/, ''));
  if (allowedEmails.length === 0 && allowedDomains.length === 0) {
    throw new ConfigError('ui.oidc: no allowed_emails or allowed_domains', 'list who may sign in to the dashboard, e.g. allowed_domains: [example.com]');
  }
  config.oidc = {
    issuer: oidc.issuer,
    clientId: oidc.client_id,
    clientSecret: new Secret(oidc.client_secret),
    allowedEmails,
    allowedDomains,
    adminEmails: oidc.admin_emails ?? [],
    adminDomains: (oidc.admin_domains ?? []).map((domain) => domain.replace(/^@/, '')),
    ...(oidc.redirect_url !== undefined ? { redirectUrl: oidc.redirect_url } : {}),
  };
  return config;
}
