import { BlockList, isIP } from 'node:net';

/**
 * Where the gateway may send a provider key. Link-local and cloud metadata addresses are never
 * a provider (they are how SSRF reads instance credentials); private and loopback addresses
 * are allowed (vLLM on a private network is normal) and `doctor` says so.
 */
const forbidden = new BlockList();
forbidden.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, incl. 169.254.169.254 (AWS, GCP, Azure metadata)
forbidden.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud metadata
forbidden.addSubnet('fe80::', 10, 'ipv6'); // IPv6 link-local
forbidden.addAddress('fd00:ec2::254', 'ipv6'); // AWS IMDS over IPv6
const forbiddenNames = new Set(['metadata.google.internal', 'metadata', 'instance-data', 'instance-data.ec2.internal']);

const privateRanges = new BlockList();
privateRanges.addSubnet('10.0.0.0', 8, 'ipv4');
privateRanges.addSubnet('172.16.0.0', 12, 'ipv4');
privateRanges.addSubnet('192.168.0.0', 16, 'ipv4');
privateRanges.addSubnet('100.64.0.0', 10, 'ipv4');
privateRanges.addSubnet('fc00::', 7, 'ipv6');
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** Why an IP address may not be connected to, or undefined when it may. */
export function forbiddenAddressReason(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return undefined;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  // IPv4-mapped IPv6 (::ffff:169.254.169.254) is the IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return forbiddenAddressReason(mapped);
  return forbidden.check(address, type) ? `${address} is a link-local or cloud metadata address` : undefined;
}

/** `loopback`, `private network` or `public` (for `doctor`); `name` when it is not an IP literal. */
export function addressKind(host: string): 'loopback' | 'private network' | 'public' | 'name' {
  const bare = host.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return bare === 'localhost' ? 'loopback' : 'name';
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (loopback.check(bare, type)) return 'loopback';
  return privateRanges.check(bare, type) ? 'private network' : 'public';
}

/**
 * Parses a provider base URL once and checks it: http(s) only, no credentials in it, no
 * fragment (`http://host/x#@api.openai.com/v1` would send the key to `host`), no metadata or
 * link-local host. Returns the normalized URL (no trailing slash) or throws with the reason.
 */
export function checkUpstreamUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`"${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`scheme "${url.protocol}" is not allowed (use http: or https:)`);
  if (url.username || url.password) throw new Error('credentials in the URL are not allowed (use api_key or headers)');
  if (url.hash || raw.includes('#')) throw new Error('a fragment (#…) is not allowed in a base URL');
  if (url.search) throw new Error('a query string is not allowed in a base URL (use headers or api_version)');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (forbiddenNames.has(host.toLowerCase())) throw new Error(`${host} is a cloud metadata service, never a provider`);
  const reason = forbiddenAddressReason(host);
  if (reason) throw new Error(`${reason}, never a provider`);
  return url;
}
