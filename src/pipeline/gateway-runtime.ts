import type { ConfiguredProvider as Provider, RuntimeConfig } from '../config/runtime-config.ts';
import { BudgetGuard, type BudgetWarning } from '../policy/budget/budget-guard.ts';
import type { BudgetLevel } from '../store/spend-store.ts';
import { KeyDirectory } from '../policy/key-directory.ts';
import { RateLimiter } from '../policy/rate-limit/rate-limiter.ts';
import { createProvider } from '../providers/create-provider.ts';
import { ModelResolver } from '../routing/resolve-model.ts';
import { Router } from '../routing/router.ts';
import type { SharedRoutingState } from '../routing/shared-routing-state.ts';
import type { RateCounterStore } from '../store/rate-counter-store.ts';
import type { ReservationHolder } from '../store/spend-store.ts';
import type { Storage } from '../store/ports.ts';

/** What outlives a reload: the stores and counters every config's services write into. */
export interface DurableServices {
  storage: Storage;
  rateCounters: RateCounterStore;
  onBudgetWarning: (warning: BudgetWarning) => void;
  /** Where the budgets a settle billed stand now (sets `switchyard_budget_used_ratio` on every settle). */
  onBudgetLevels?: (levels: BudgetLevel[]) => void;
  /** Who holds this process's budget reservations (leases released on the same instance's restart). */
  holder: ReservationHolder;
  random?: () => number;
  /** Tells the other instances that a stored key changed (Redis coordination); absent alone. */
  announceKeysChanged?: () => void;
  /** Tells the other instances about breakers and sticky sessions (Redis coordination). */
  sharedRouting?: SharedRoutingState;
}

/**
 * The services one config implies, built together from it and swapped as one object by a
 * reload. A request reads `gateway.current` once and uses that snapshot to the end, so a
 * request or stream in flight finishes on the config it started with. State that must
 * survive (spend, rate counters, stored keys, breakers, sticky sessions, latency averages)
 * lives in the durable services or is carried over from the previous snapshot's router.
 */
export class GatewayRuntime {
  readonly keys: KeyDirectory;
  readonly rateLimiter: RateLimiter;
  readonly budgets: BudgetGuard;
  readonly resolver: ModelResolver;
  readonly router: Router;
  readonly providers = new Map<string, Provider>();
  /** Requests still running on this snapshot (a replaced one is retired when this reaches 0). */
  inFlight = 0;

  constructor(
    readonly config: RuntimeConfig,
    durable: DurableServices,
    previous?: GatewayRuntime,
  ) {
    this.keys = new KeyDirectory(config.keys, durable.storage.keys, durable.announceKeysChanged ? { onKeysChanged: durable.announceKeysChanged } : {});
    this.rateLimiter = new RateLimiter(durable.rateCounters, config.teamRateLimits);
    this.budgets = new BudgetGuard(durable.storage.spend, config.budgets, durable.onBudgetWarning, {
      holder: durable.holder,
      ...(durable.onBudgetLevels ? { onLevels: durable.onBudgetLevels } : {}),
    });
    this.resolver = new ModelResolver(config);
    this.router = new Router(config, durable.random, previous?.router, durable.sharedRouting);
    for (const provider of Object.values(config.providers)) this.providers.set(provider.name, createProvider(provider));
  }
}
