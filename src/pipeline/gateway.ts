import type { RuntimeConfig } from '../config/runtime-config.ts';
import { KeyRing } from '../policy/key-ring.ts';
import { createProvider } from '../providers/create-provider.ts';
import type { Provider } from '../providers/provider.ts';
import { ModelResolver } from '../routing/resolve-model.ts';
import { Router } from '../routing/router.ts';
import type { Storage } from '../store/ports.ts';
import { UpstreamClient } from '../upstream/upstream-client.ts';

/** The services one running gateway shares across requests. Built once; no I/O at import. */
export class Gateway {
  readonly keys: KeyRing;
  readonly resolver: ModelResolver;
  readonly router: Router;
  readonly providers = new Map<string, Provider>();
  readonly upstream = new UpstreamClient();
  /** Model requests still being answered (SIGTERM waits for these). */
  inFlight = 0;

  constructor(
    readonly config: RuntimeConfig,
    readonly storage: Storage,
    options: { random?: () => number } = {},
  ) {
    this.keys = new KeyRing(config.keys);
    this.resolver = new ModelResolver(config);
    this.router = new Router(config, options.random);
    for (const provider of Object.values(config.providers)) this.providers.set(provider.name, createProvider(provider));
  }

  async close(): Promise<void> {
    await this.upstream.close();
    await this.storage.close();
  }
}
