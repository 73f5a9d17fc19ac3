import type { IncomingMessage } from 'node:http';
import type { RuntimeConfig } from '../../config/runtime-config.ts';
import { GatewayError } from '../../core/errors.ts';
import { hashKey, hashesEqual } from '../../core/hash-key.ts';

/**
 * Lets a request through only with `Authorization: Bearer <server.master_key>`. Throws a
 * GatewayError: 403 `policy_forbidden` when no master key is configured (the admin surface is
 * off), 401 `policy_invalid_api_key` when it is missing or wrong. Both sides are hashed before
 * the constant-time compare, so neither the length nor a prefix of the master key leaks.
 */
export function requireMasterKey(config: RuntimeConfig, request: IncomingMessage): void {
  const masterKey = config.server.masterKey?.reveal();
  if (!masterKey) {
    throw new GatewayError({
      code: 'policy_forbidden',
      message:
        'The admin API is disabled because no master key is configured. Set server.master_key in the config (or the SWITCHYARD_MASTER_KEY environment variable), then restart or send the gateway SIGHUP.',
    });
  }
  const presented = readBearer(request.headers.authorization);
  if (!presented) {
    throw new GatewayError({ code: 'policy_invalid_api_key', message: 'The admin API needs the master key as `Authorization: Bearer <server.master_key>`.' });
  }
  if (!hashesEqual(hashKey(presented), hashKey(masterKey))) {
    throw new GatewayError({ code: 'policy_invalid_api_key', message: 'Incorrect master key.' });
  }
}

function readBearer(authorization: string | undefined): string | undefined {
  if (typeof authorization !== 'string' || authorization.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  return authorization.slice(7).trim() || undefined;
}
