import { createHmac, randomBytes } from 'node:crypto';
import type { GuardrailsConfigFile } from './guardrails-schema.ts';
import { Secret } from './secret.ts';

export type SecretsAction = 'off' | 'flag' | 'redact' | 'block';
export type PiiAction = 'off' | 'flag' | 'redact';
export type InjectionAction = 'off' | 'flag' | 'block';

/** The guardrails in force for one request (contract §2 defaults filled in). */
export interface GuardrailsConfig {
  secrets: SecretsAction;
  pii: PiiAction;
  injection: InjectionAction;
  scanOutput: boolean;
  /** Text scanned per request; what lies beyond is treated per docs/guardrails.md (block when secrets block, else flagged). */
  maxScanChars: number;
}

/** A key's, team's or model's override: only the fields it names. */
export type GuardrailsOverride = Partial<GuardrailsConfig>;

export const defaultGuardrails: GuardrailsConfig = {
  secrets: 'redact',
  pii: 'flag',
  injection: 'flag',
  // Off by default: judging the answer needs its IR events, so same-dialect traffic leaves the byte passthrough (docs/decisions/0006).
  scanOutput: false,
  maxScanChars: 4 * 1024 * 1024,
};

/** The config file's spelling → an override (undefined when the block is absent). */
export function buildGuardrailsOverride(file: GuardrailsConfigFile | undefined): GuardrailsOverride | undefined {
  if (!file) return undefined;
  const out: GuardrailsOverride = {};
  if (file.secrets) out.secrets = file.secrets.action;
  if (file.pii) out.pii = file.pii.action;
  if (file.injection) out.injection = file.injection.action;
  if (file.scan_output !== undefined) out.scanOutput = file.scan_output;
  if (file.max_scan_chars !== undefined) out.maxScanChars = file.max_scan_chars;
  return out;
}

/** Layers overrides over a base, later ones winning (global < team < key < model). */
export function mergeGuardrails(base: GuardrailsConfig, ...overrides: (GuardrailsOverride | undefined)[]): GuardrailsConfig {
  let out = base;
  for (const override of overrides) if (override) out = { ...out, ...override };
  return out;
}

/** An override in the config file's spelling (what the admin API shows, so what you POST is what you GET). */
export function guardrailsFileOf(override: GuardrailsOverride): GuardrailsConfigFile {
  const out: GuardrailsConfigFile = {};
  if (override.secrets !== undefined) out.secrets = { action: override.secrets };
  if (override.pii !== undefined) out.pii = { action: override.pii };
  if (override.injection !== undefined) out.injection = { action: override.injection };
  if (override.scanOutput !== undefined) out.scan_output = override.scanOutput;
  if (override.maxScanChars !== undefined) out.max_scan_chars = override.maxScanChars;
  return out;
}

/** Where the salt of placeholders and fingerprints came from (docs/guardrails.md, "Fingerprint salt"). */
export type GuardrailsSaltSource = 'fingerprint_salt' | 'master_key' | 'process';

/** Used when nothing stable is configured: random, but the same for every config of this process (reloads included). */
const processSalt = new Secret(randomBytes(32).toString('hex'));

/**
 * The salt in force: `guardrails.fingerprint_salt` (or `SWITCHYARD_GUARDRAILS_SALT`), else one
 * derived from the master key (replicas share it; a derived value reveals nothing about the
 * key), else the per-process random one.
 */
export function guardrailsSalt(configured: string | undefined, masterKey: string | undefined): { salt: Secret; source: GuardrailsSaltSource } {
  if (configured) return { salt: new Secret(configured), source: 'fingerprint_salt' };
  if (masterKey) {
    const derived = createHmac('sha256', masterKey).update('switchyard guardrails fingerprint salt v1').digest('hex');
    return { salt: new Secret(derived), source: 'master_key' };
  }
  return { salt: processSalt, source: 'process' };
}
