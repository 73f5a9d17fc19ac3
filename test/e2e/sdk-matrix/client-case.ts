import type { Dialect, Upstream } from './matrix-upstreams.ts';
import type { ScriptedCases } from './scripted-cases.ts';

/** What one SDK case needs: where the gateway is, which upstream the alias leads to, the script. */
export interface ClientCaseContext {
  gatewayUrl: string;
  clientKey: string;
  upstream: Upstream;
  cases: ScriptedCases;
}

export interface ClientCase {
  /** Short name; the test is named `<client> → <upstream>: <name>`. */
  name: string;
  run(context: ClientCaseContext): Promise<void>;
}

export interface SdkClient {
  name: string;
  /** The wire format the SDK speaks. */
  dialect: Dialect;
  cases: ClientCase[];
}

/**
 * The model name a response reports: the alias the client asked for on the translated path;
 * the served model on the passthrough, which forwards the provider's bytes unchanged by design
 * (architecture.md, "bytes in = bytes out"; test/e2e/responses-passthrough.test.ts).
 */
export function reportedModel(client: Pick<SdkClient, 'dialect'>, upstream: Upstream): string {
  return client.dialect === upstream.dialect ? upstream.servedModel : upstream.alias;
}
