import { GatewayError } from '../core/errors.ts';

/**
 * 503 `gateway_unavailable` with Retry-After for a call past `server.max_in_flight` or, for
 * `perKey`, past `server.max_in_flight_per_key` (contract: a clear, retryable answer).
 */
export function inFlightOverloaded(limit: number, perKey: boolean): GatewayError {
  const who = perKey ? 'This key' : 'The gateway';
  return new GatewayError({ code: 'gateway_unavailable', message: `${who} is at its limit of ${limit} requests in flight.`, retryAfterSeconds: 1 });
}
