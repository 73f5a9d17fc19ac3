import { providerDescriptor, providerTypes, type ProviderType } from '../providers/registry.ts';
import type { KeyConfig, ModelConfig, RuntimeConfig, TargetConfig } from '../config/runtime-config.ts';
import { GatewayError } from '../core/errors.ts';

export interface ResolvedModel {
  /** The canonical name the request resolved to (config alias or `provider/model`). */
  alias: string;
  targets: TargetConfig[];
  strategy: ModelConfig['strategy'];
  hedgeAfterMs?: number;
  maxTtftP95Ms?: number;
}

/**
 * Resolves what a client asked for into targets, then checks the key's allowlist against the
 * RESOLVED name, so `provider/model` spellings, case and whitespace variants, and per-key
 * aliases cannot reach a model the key may not use.
 */
export class ModelResolver {
  private readonly byLowerName = new Map<string, ModelConfig>();

  constructor(private readonly config: RuntimeConfig) {
    for (const model of Object.values(config.models)) this.byLowerName.set(normalize(model.alias), model);
  }

  resolve(requested: string, key: KeyConfig | undefined): ResolvedModel {
    const resolved = this.lookup(requested, key);
    if (!resolved) {
      const family = familyOf(requested);
      if (family.length > 0 && Object.keys(this.config.models).length === 0) throw missingFamily(requested.trim(), family);
      throw new GatewayError({
        code: 'policy_model_not_found',
        message: `The model "${requested.trim()}" does not exist or is not served here. Available: ${this.visibleModels(key).join(', ') || 'none'}.`,
        param: 'model',
      });
    }
    if (key?.modelsAllowed && !this.allowed(resolved, key)) {
      throw new GatewayError({
        code: 'policy_model_not_allowed',
        message: `This key may not use "${requested.trim()}". Allowed models: ${key.modelsAllowed.join(', ')}.`,
        param: 'model',
      });
    }
    return resolved;
  }

  /** Model names a key may use, for `/v1/models` and error messages. */
  visibleModels(key: KeyConfig | undefined): string[] {
    const names = key?.modelsAllowed ?? Object.keys(this.config.models);
    // Only names that would be served: /v1/models and the allowlist must agree.
    const usable = (name: string) => {
      const resolved = this.lookup(name, key);
      return resolved !== undefined && (!key?.modelsAllowed || this.allowed(resolved, key));
    };
    return [...new Set([...names, ...Object.keys(key?.aliases ?? {})])].filter(usable);
  }

  private lookup(requested: string, key: KeyConfig | undefined): ResolvedModel | undefined {
    const name = normalize(requested);
    if (!name) return undefined;
    const keyAlias = key && Object.entries(key.aliases).find(([alias]) => normalize(alias) === name)?.[1];
    if (keyAlias !== undefined) return this.lookup(keyAlias, undefined);
    const model = this.byLowerName.get(name);
    if (model) return resolvedOf(model);
    const slash = requested.trim().indexOf('/');
    if (slash > 0) {
      const providerName = requested.trim().slice(0, slash);
      const provider = Object.keys(this.config.providers).find((candidate) => normalize(candidate) === normalize(providerName));
      const modelName = requested.trim().slice(slash + 1);
      if (provider && modelName) return this.direct(provider, modelName);
    }
    if (Object.keys(this.config.models).length === 0) {
      // A bare name goes to a provider whose type claims its prefix (the one named after its type first).
      const family = familyOf(name);
      const owners = Object.values(this.config.providers).filter((provider) => family.includes(provider.type));
      const owner = owners.find((provider) => provider.name === provider.type) ?? owners[0];
      if (owner) return this.direct(owner.name, requested.trim());
      // Never a silent trip to another family's provider: `claude-…` is not sent to OpenAI.
      if (family.length > 0) return undefined;
      const providers = Object.keys(this.config.providers);
      if (providers.length === 1) return this.direct(providers[0]!, requested.trim());
    }
    return undefined;
  }

  private direct(provider: string, model: string): ResolvedModel {
    const configured = Object.values(this.config.models)
      .flatMap((entry) => entry.targets)
      .find((target) => target.provider === provider && target.model === model);
    return { alias: `${provider}/${model}`, targets: [configured ?? { provider, model, weight: 1 }], strategy: 'failover' };
  }

  /**
   * The allowlist grants names, not targets: a key may use the names in `models_allowed` (any
   * case or spacing, or through its own aliases) and, for an allowed name with one target, that
   * target's `provider/model` spelling. What an allowed alias falls back to or a rule routes to
   * is the operator's routing, never a grant of its own: another alias that shares a target
   * with an allowed one stays refused.
   */
  private allowed(resolved: ResolvedModel, key: KeyConfig): boolean {
    const name = normalize(resolved.alias);
    for (const entry of key.modelsAllowed ?? []) {
      const allowedModel = this.lookup(entry, undefined);
      if (!allowedModel) continue;
      if (normalize(allowedModel.alias) === name) return true;
      const direct = this.isDirect(resolved) && allowedModel.targets.length === 1 && resolved.targets.length === 1;
      if (direct && sameTarget(allowedModel.targets[0]!, resolved.targets[0]!)) return true;
    }
    return false;
  }

  /** A `provider/model` name rather than a configured alias. */
  private isDirect(resolved: ResolvedModel): boolean {
    return !this.byLowerName.has(normalize(resolved.alias));
  }
}

/** The provider types whose model names look like this one (`claude-…` → anthropic). */
function familyOf(model: string): ProviderType[] {
  const name = normalize(model);
  return providerTypes.filter((type) => providerDescriptor(type).modelPrefixes.some((pattern) => pattern.test(name)));
}

/** 404 for a model of a known family whose provider type is not configured. */
function missingFamily(model: string, types: readonly ProviderType[]): GatewayError {
  const env = types.flatMap((type) => providerDescriptor(type).keyEnv);
  return new GatewayError({
    code: 'policy_model_not_found',
    message: `The model "${model}" needs a provider of type ${types.join(' or ')}, and none is configured. Add one under providers:${env.length > 0 ? ` (or set ${env.join(' or ')})` : ''}, or ask for a model of a configured provider.`,
    param: 'model',
  });
}

function sameTarget(a: TargetConfig, b: TargetConfig): boolean {
  return a.provider === b.provider && a.model === b.model;
}

function normalize(name: string): string {
  return name.trim().toLowerCase();
}

function resolvedOf(model: ModelConfig): ResolvedModel {
  const resolved: ResolvedModel = { alias: model.alias, targets: model.targets, strategy: model.strategy };
  if (model.hedgeAfterMs !== undefined) resolved.hedgeAfterMs = model.hedgeAfterMs;
  if (model.maxTtftP95Ms !== undefined) resolved.maxTtftP95Ms = model.maxTtftP95Ms;
  return resolved;
}
