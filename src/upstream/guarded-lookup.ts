import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { forbiddenAddressReason } from '../core/upstream-address-policy.ts';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** `dns.lookup` as sockets call it, failing when any answer is a link-local or metadata address. */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback, resolve: typeof dnsLookup = dnsLookup): void {
  resolve(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '');
    const list = addresses as LookupAddress[];
    const bad = list.map((entry) => forbiddenAddressReason(entry.address)).find((reason) => reason !== undefined);
    if (bad) {
      const refused: NodeJS.ErrnoException = new Error(`refused to connect to ${hostname}: ${bad}`);
      refused.code = 'ESWITCHYARD_FORBIDDEN_ADDRESS';
      return callback(refused, '');
    }
    if (options.all) return callback(null, list);
    const first = list[0];
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
    callback(null, first.address, first.family);
  });
}
