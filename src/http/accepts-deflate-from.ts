import { addressKind } from '../core/upstream-address-policy.ts';

/**
 * Whether the Responses WebSocket accepts a client's permessage-deflate offer: yes over a network
 * (Codex's frames repeat the tool list and compress ~15×), no from a loopback peer, where bytes
 * cost nothing and compression is pure cost: inflating each frame here and deflating it in the
 * client made a Codex turn 1.3–2× slower (docs/decisions/0015-performance.md). Declining is
 * ordinary negotiation (RFC 7692): the client then sends plain frames.
 */
export function acceptsDeflateFrom(remoteAddress: string | undefined): boolean {
  if (remoteAddress === undefined) return true;
  const bare = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress)?.[1] ?? remoteAddress;
  return addressKind(bare) !== 'loopback';
}
