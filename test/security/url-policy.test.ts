import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { parseConfigText } from '../../src/config/load-config.ts';
import { addressKind, checkUpstreamUrl } from '../../src/core/upstream-address-policy.ts';
import { guardedLookup } from '../../src/upstream/guarded-lookup.ts';

const configWith = (baseUrl: string) =>
  parseConfigText(`providers:\n  p: { type: openai-compatible, base_url: "${baseUrl}" }\n`, { env: {}, source: 'test', cwd: process.cwd() });

test('dangerous provider URLs are refused at config time, naming the field and the reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['http://169.254.169.254/latest/meta-data', /link-local or cloud metadata/],
    ['http://[fd00:ec2::254]/v1', /link-local or cloud metadata/],
    ['http://[fe80::1]/v1', /link-local or cloud metadata/],
    ['http://[::ffff:169.254.169.254]/v1', /link-local or cloud metadata/],
    ['http://metadata.google.internal/computeMetadata/v1', /cloud metadata service/],
    ['http://100.100.100.200/latest', /link-local or cloud metadata/],
    ['file:///etc/passwd', /scheme "file:"/],
    ['gopher://127.0.0.1:6379/_', /scheme "gopher:"/],
    ['htp://api.example.com/v1', /scheme "htp:"/],
    ['http://host/steal#@api.openai.com/v1', /fragment/],
    ['http://user:pw@api.example.com/v1', /credentials in the URL/],
    ['http://api.example.com/v1?key=1', /query string/],
  ];
  for (const [url, reason] of cases) {
    assert.throws(
      () => configWith(url),
      (error: Error) => {
        assert.match(error.message, /providers\.p\.base_url/, url);
        assert.match(error.message, reason, url);
        return true;
      },
    );
  }
});

test('loopback, private and public URLs are kept, normalized, and doctor can say which they are', () => {
  for (const [url, kind] of [
    ['http://127.0.0.1:8000/v1', 'loopback'],
    ['https://10.0.0.5/v1', 'private network'],
    ['http://192.168.1.20:11434/v1/', 'private network'],
    ['https://api.openai.com/v1', 'name'],
  ] as const) {
    const config = configWith(url);
    assert.equal(config.providers['p']!.baseUrl, url.replace(/\/$/, ''));
    assert.equal(addressKind(checkUpstreamUrl(url).hostname), kind, url);
  }
});

test('a host name that resolves to a metadata address is refused at connect time', async () => {
  const resolveTo = (address: string, family: number) =>
    ((_host: string, _options: unknown, callback: (error: null, addresses: LookupAddress[]) => void) => callback(null, [{ address, family }])) as never;
  const outcome = (address: string, family: number) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
      guardedLookup('innocent.example', {}, (error, result) => resolve({ error, address: result }), resolveTo(address, family)),
    );
  const metadata = await outcome('169.254.169.254', 4);
  assert.equal(metadata.error?.code, 'ESWITCHYARD_FORBIDDEN_ADDRESS');
  assert.match(String(metadata.error?.message), /innocent\.example/);
  const ipv6 = await outcome('fd00:ec2::254', 6);
  assert.equal(ipv6.error?.code, 'ESWITCHYARD_FORBIDDEN_ADDRESS');
  const fine = await outcome('127.0.0.1', 4);
  assert.equal(fine.error, null);
  assert.equal(fine.address, '127.0.0.1');
});
