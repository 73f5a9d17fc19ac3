import { log } from '../../core/log.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { RuntimeConfig } from '../../config/runtime-config.ts';
import { isGatewayError } from '../../core/errors.ts';
import { openaiResponsesCodec } from '../../dialects/openai-responses/index.ts';
import { displayPrefix, generateKeySecret } from '../../policy/generate-key-secret.ts';
import { hashKey } from '../../core/hash-key.ts';
import type { KeyDirectory } from '../../policy/key-directory.ts';
import { ModelResolver } from '../../routing/resolve-model.ts';
import { VirtualKeyConflictError, type VirtualKeyRecord, type VirtualKeyStore } from '../../store/virtual-key-store.ts';
import { parseJsonBody, readBody, sendJson } from '../../pipeline/client-io.ts';
import {
  budgetFromBody,
  createKeyBodySchema,
  createKeyFields,
  guardrailsFromBody,
  cacheFromBody,
  normalizeTimestamp,
  parseKeyBody,
  patchFromBody,
  patchKeyBodySchema,
  patchKeyFields,
  rateLimitFromBody,
} from './admin-key-body.ts';
import { viewOfConfigKey, viewOfRecord, type AdminKeyView } from './admin-key-view.ts';
import { requireMasterKey } from './require-master-key.ts';
import { sendAdminError, startAdminAnswer } from './admin-answer.ts';

export { requireMasterKey } from './require-master-key.ts';

export interface AdminContext {
  config: RuntimeConfig;
  keys: VirtualKeyStore;
  directory: KeyDirectory;
  /** Who may call (default: the master key as a bearer token); the dashboard passes its session check. */
  authorize?: (request: IncomingMessage) => void;
}

/** Admin bodies are a few hundred bytes; anything near this is a mistake, not a key. */
const adminBodyLimit = 64 * 1024;

/** A refusal with an admin-specific code (the shared vocabulary has no "conflict"). */
class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

/**
 * `/admin/keys` and `/admin/keys/{name}` (README, Governance), master key only. Answers false for
 * any other path (including `/admin/logs`, `/admin/spend`) so the caller can route it on.
 */
export async function handleAdminRequest(context: AdminContext, request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname;
  if (path !== '/admin/keys' && !path.startsWith('/admin/keys/')) return false;
  startAdminAnswer(response);
  const method = request.method ?? 'GET';
  try {
    (context.authorize ?? ((incoming: IncomingMessage) => requireMasterKey(context.config, incoming)))(request);
    const rest = path.slice('/admin/keys'.length).replace(/^\/|\/$/g, '');
    if (rest === '') {
      if (method === 'GET') return done(sendJson(response, 200, { data: await listKeys(context) }));
      if (method === 'POST') return done(sendJson(response, 201, await createKey(context, await readJson(request))));
      throw notAllowed(response, 'GET, POST');
    }
    if (rest.includes('/')) throw new AdminError(404, 'not_found', `No route for ${method} ${path}.`);
    const name = decodeName(rest);
    if (method === 'GET') return done(sendJson(response, 200, await getKey(context, name)));
    if (method === 'PATCH') return done(sendJson(response, 200, await patchKey(context, name, await readJson(request))));
    if (method === 'DELETE') return done(sendJson(response, 200, await revokeKey(context, name)));
    throw notAllowed(response, 'GET, PATCH, DELETE');
  } catch (error) {
    sendError(response, error);
    return true;
  }
}

async function listKeys({ directory, keys }: AdminContext): Promise<AdminKeyView[]> {
  const now = new Date();
  const stored = (await keys.list()).map((record) => viewOfRecord(record, now, directory.configKey(record.name) !== undefined));
  return [...directory.configKeys.map((key) => viewOfConfigKey(key, now)), ...stored];
}

async function getKey({ directory, keys }: AdminContext, name: string): Promise<AdminKeyView> {
  const configKey = directory.configKey(name);
  if (configKey) return viewOfConfigKey(configKey, new Date());
  return viewOfRecord(await storedKey(keys, name), new Date(), false);
}

async function createKey(context: AdminContext, body: unknown): Promise<{ name: string; key: string } & AdminKeyView> {
  const fields = parseKeyBody(createKeyBodySchema, body, createKeyFields);
  const name = fields.name ?? `key-${randomBytes(4).toString('hex')}`;
  if (context.directory.configKey(name)) throw configOwned(name);
  checkModels(context.config, fields.models_allowed, fields.aliases);
  const now = new Date();
  const expiresAt = fields.expires_at === undefined ? undefined : normalizeTimestamp(fields.expires_at);
  if (expiresAt !== undefined && new Date(expiresAt).getTime() <= now.getTime()) {
    throw new AdminError(400, 'invalid_expires_at', `expires_at: ${fields.expires_at} is already in the past.`, 'expires_at');
  }
  const secret = generateKeySecret();
  const record: VirtualKeyRecord = {
    name,
    hash: hashKey(secret),
    prefix: displayPrefix(secret),
    tags: fields.tags ?? [],
    aliases: fields.aliases ?? {},
    createdAt: now.toISOString(),
    source: 'api',
  };
  if (fields.team !== undefined) record.team = fields.team;
  if (fields.user !== undefined) record.user = fields.user;
  if (fields.models_allowed !== undefined) record.modelsAllowed = fields.models_allowed;
  if (fields.budget !== undefined) record.budget = budgetFromBody(fields.budget);
  const rateLimit = rateLimitFromBody(fields.rate_limit);
  if (rateLimit) record.rateLimit = rateLimit;
  const guardrails = guardrailsFromBody(fields.guardrails);
  if (guardrails) record.guardrails = guardrails;
  const cache = cacheFromBody(fields.cache);
  if (cache) record.cache = cache;
  if (expiresAt !== undefined) record.expiresAt = expiresAt;
  try {
    await context.keys.create(record);
    // The directory caches store answers, a cached "unknown key" included.
    context.directory.forget();
  } catch (error) {
    if (!(error instanceof VirtualKeyConflictError)) throw error;
    const revoked = error.field === 'name' && (await context.keys.get(name))?.revokedAt;
    const hint = revoked ? ' (it was revoked; names are never reused, so logs stay unambiguous)' : '';
    throw new AdminError(409, 'key_exists', `A key named "${name}" already exists${hint}. Pick another name.`);
  }
  // The only time the secret leaves the gateway.
  const { name: _name, ...settings } = viewOfRecord(record, now, false);
  return { name, key: secret, ...settings };
}

async function patchKey(context: AdminContext, name: string, body: unknown): Promise<AdminKeyView> {
  if (context.directory.configKey(name)) throw configOwned(name);
  const existing = await storedKey(context.keys, name);
  if (existing.revokedAt) throw new AdminError(409, 'key_revoked', `The key "${name}" is revoked and cannot be changed; create a new key instead.`);
  if (body !== null && typeof body === 'object' && 'name' in body) {
    if ((body as { name: unknown }).name !== name)
      throw new AdminError(400, 'invalid_request', 'name: a key cannot be renamed; create a new key instead.', 'name');
    delete (body as { name?: unknown }).name;
  }
  const fields = parseKeyBody(patchKeyBodySchema, body, patchKeyFields);
  checkModels(context.config, fields.models_allowed ?? undefined, fields.aliases);
  const updated = await context.keys.update(name, patchFromBody(fields));
  context.directory.forget();
  if (!updated) throw notFound(name);
  return viewOfRecord(updated, new Date(), false);
}

async function revokeKey(context: AdminContext, name: string): Promise<AdminKeyView> {
  if (context.directory.configKey(name)) throw configOwned(name);
  await storedKey(context.keys, name);
  // Idempotent: revoking twice keeps the first revocation time.
  const revoked = await context.keys.revoke(name, new Date());
  // A revocation is a 401 on the very next call, however recently the key was looked up.
  context.directory.forget();
  if (!revoked) throw notFound(name);
  return viewOfRecord(revoked, new Date(), false);
}

async function storedKey(keys: VirtualKeyStore, name: string): Promise<VirtualKeyRecord> {
  const record = await keys.get(name);
  if (!record) throw notFound(name);
  return record;
}

/** A key may only list models (and alias to models) this gateway can resolve: a typo is a 400, not a silent lock-out. */
function checkModels(config: RuntimeConfig, modelsAllowed: string[] | undefined, aliases: Record<string, string> | undefined): void {
  const resolver = new ModelResolver(config);
  const entries: Array<[string, string]> = [
    ...(modelsAllowed ?? []).map((model): [string, string] => ['models_allowed', model]),
    ...Object.entries(aliases ?? {}).map(([alias, model]): [string, string] => [`aliases.${alias}`, model]),
  ];
  for (const [field, model] of entries) {
    try {
      resolver.resolve(model, undefined);
    } catch {
      const known = resolver.visibleModels(undefined);
      throw new AdminError(
        400,
        'model_not_found',
        `${field}: "${model}" is not a model this gateway serves (configured: ${known.join(', ') || 'none'}; provider/model names also work).`,
        field,
      );
    }
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const raw = await readBody(request, adminBodyLimit);
  return raw.length === 0 ? {} : parseJsonBody(raw);
}

function decodeName(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AdminError(400, 'invalid_request', 'The key name in the path is not valid URL encoding.');
  }
}

function configOwned(name: string): AdminError {
  return new AdminError(
    409,
    'key_in_config',
    `The key "${name}" is declared in the config file; change or remove it there and reload with SIGHUP or POST /admin/reload (config keys cannot be changed through the admin API).`,
  );
}

function notFound(name: string): AdminError {
  return new AdminError(404, 'key_not_found', `No key named "${name}".`);
}

function notAllowed(response: ServerResponse, allow: string): AdminError {
  response.setHeader('allow', allow);
  return new AdminError(405, 'method_not_allowed', `Use one of: ${allow}.`);
}

function done(_sent: void): true {
  return true;
}

/** OpenAI's error shape, like every other answer on the OpenAI-style surfaces. */
function sendError(response: ServerResponse, error: unknown): void {
  if (error instanceof AdminError) {
    const type = error.status === 403 ? 'permission_error' : 'invalid_request_error';
    return sendJson(response, error.status, { error: { message: error.message, type, code: error.code, param: error.param } });
  }
  sendAdminError(response, error);
}
