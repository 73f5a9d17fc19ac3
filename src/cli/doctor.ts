import { request } from 'undici';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.ts';
import type { ProviderConfig } from '../config/runtime-config.ts';
import { providerDescriptor } from '../providers/registry.ts';
import { addressKind } from '../core/upstream-address-policy.ts';

export const doctorUsage = `Usage: switchyard doctor [--config FILE]

Checks every configured provider (key present, endpoint reachable, key accepted) and says how
to fix what fails. Exits 1 when a provider is not usable.
`;

export interface ProviderCheck {
  provider: string;
  ok: boolean;
  message: string;
  fix?: string;
}

export async function checkProvider(provider: ProviderConfig, timeoutMs = 5000): Promise<ProviderCheck> {
  const descriptor = providerDescriptor(provider.type);
  const envHint = descriptor.keyEnv.join(' or ');
  if (!provider.apiKey && descriptor.requiresKey) {
    return { provider: provider.name, ok: false, message: 'no API key', fix: `set providers.${provider.name}.api_key${envHint ? ` or ${envHint}` : ''}` };
  }
  const probe = descriptor.probe(provider);
  const { url } = probe;
  let { headers } = probe;
  const transport = descriptor.createTransport?.(provider);
  if (transport?.authorizeProbe) {
    try {
      headers = await transport.authorizeProbe(probe);
    } catch (error) {
      return { provider: provider.name, ok: false, message: (error as Error).message, fix: `check ${transport.credentialsHint ?? 'the cloud credentials'}` };
    }
  }
  try {
    const response = await request(url, { method: 'GET', headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
    await response.body.dump();
    const status = response.statusCode;
    const kind = addressKind(new URL(provider.baseUrl).hostname);
    const where = kind === 'loopback' || kind === 'private network' ? ` — ${kind} address` : '';
    if (status >= 200 && status < 300) return { provider: provider.name, ok: true, message: `reachable, key accepted (${url})${where}` };
    if (status === 401 || status === 403 || descriptor.keyRejectedStatus?.(status) === true) {
      return {
        provider: provider.name,
        ok: false,
        message: `the ${transport ? 'cloud credentials were' : 'key was'} rejected (HTTP ${status})`,
        fix: `check ${transport?.credentialsHint ?? `providers.${provider.name}.api_key${envHint ? ` / ${envHint}` : ''}`}`,
      };
    }
    if (status === 404) return { provider: provider.name, ok: true, message: `reachable; this server lists no models at ${url}, so the key was not verified` };
    return {
      provider: provider.name,
      ok: false,
      message: `unexpected HTTP ${status} from ${url}`,
      fix: `check providers.${provider.name}.base_url (SDK convention: OpenAI-style URLs include /v1, Anthropic and Gemini do not)`,
    };
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).name;
    return {
      provider: provider.name,
      ok: false,
      message: `cannot reach ${url} (${code})`,
      fix: `check providers.${provider.name}.base_url and that the server is running`,
    };
  }
}

export async function runDoctor(argv: string[], io: { stdout: NodeJS.WritableStream } = { stdout: process.stdout }): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) return void io.stdout.write(doctorUsage);
  const config = loadConfig(values.config === undefined ? {} : { configPath: values.config });
  io.stdout.write(`config: ${config.source}\n`);
  const providers = Object.values(config.providers);
  if (providers.length === 0) {
    io.stdout.write('✗ no providers: add providers: to the config, or set OPENAI_API_KEY / ANTHROPIC_API_KEY / GEMINI_API_KEY\n');
    process.exitCode = 1;
    return;
  }
  const checks = await Promise.all(providers.map((provider) => checkProvider(provider)));
  for (const check of checks) io.stdout.write(`${check.ok ? '✓' : '✗'} ${check.provider}: ${check.message}${check.fix ? `\n    fix: ${check.fix}` : ''}\n`);
  if (checks.some((check) => !check.ok)) process.exitCode = 1;
}
