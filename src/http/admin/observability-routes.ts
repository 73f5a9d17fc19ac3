import { log } from '../../core/log.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, invalidRequest, isGatewayError } from '../../core/errors.ts';
import { viewOfLogRow, viewOfSpendRow } from '../../observability/log-row-view.ts';
import type { GatewayMetrics } from '../../observability/metrics.ts';
import type { LogQuery, Outcome, RequestLogStore } from '../../store/ports.ts';
import type { SpendGroupBy, SpendRollupQuery, SpendRollupRow } from '../../store/spend-store.ts';
import { sendJson } from '../../pipeline/client-io.ts';
import type { ModelConfig } from '../../config/runtime-config.ts';
import { experimentReport } from './experiment-report.ts';
import { sendAdminError, startAdminAnswer } from './admin-answer.ts';

export interface SpendRollupSource {
  rollup(query: SpendRollupQuery): Promise<SpendRollupRow[]>;
}

export interface ObservabilityAdminContext {
  /** The request log; its `rollup` answers `/admin/spend` when no spend ledger is given. */
  logs: RequestLogStore & SpendRollupSource;
  /** The spend ledger (bills every attempt, retries included): preferred for `/admin/spend` when present. */
  spend?: SpendRollupSource;
  /** Throws a GatewayError (401/403) unless the request carries the master key. */
  authorize(request: IncomingMessage): void;
  /** The configured attribute names (`attribution.headers`): each is a `group_by` too. */
  attributes?: readonly string[];
  /** The current model config: `/admin/experiments` lists its experiments. */
  models?: Record<string, ModelConfig>;
}

/** The log's outcome vocabulary (`store/ports.ts`); a Record so a new Outcome fails to compile until listed. */
const outcomes: Record<Outcome, true> = {
  ok: true,
  invalid_request: true,
  rejected_auth: true,
  rejected_model: true,
  rejected_budget: true,
  rejected_rate: true,
  rejected_guardrail: true,
  upstream_error: true,
  upstream_timeout: true,
  client_disconnected: true,
  gateway_error: true,
};

const logParameters = ['key', 'model', 'outcome', 'since', 'limit', 'bodies'];
const spendParameters = ['group_by', 'since', 'until'];
/** Both spend sources answer these; `tag` only the ledger (the request log has no tags). */
const commonGroups: SpendGroupBy[] = ['key', 'team', 'model', 'day', 'user', 'provider'];

/**
 * `GET /admin/logs`, `GET /admin/spend` and `GET /admin/experiments` (README, Observability), master key only. Answers false for any
 * other path so the caller can route it on.
 */
export async function handleObservabilityAdmin(
  context: ObservabilityAdminContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<boolean> {
  const path = url.pathname;
  if (path !== '/admin/logs' && path !== '/admin/spend' && path !== '/admin/experiments') return false;
  startAdminAnswer(response);
  try {
    context.authorize(request);
    if (request.method !== 'GET') {
      response.setHeader('allow', 'GET');
      throw new GatewayError({ code: 'caller_invalid_request', status: 405, message: `${path} only answers GET.` });
    }
    if (path === '/admin/logs') {
      const { query, bodies } = readLogQuery(url.searchParams);
      const rows = await context.logs.query(query);
      sendJson(response, 200, { data: rows.map((row) => viewOfLogRow(row, { bodies })) });
    } else if (path === '/admin/experiments') {
      const value = readParameters(url.searchParams, ['since']);
      const stats = await context.logs.experimentStats(value.since ? { since: readInstant(value.since, 'since') } : {});
      sendJson(response, 200, { data: experimentReport(context.models ?? {}, stats) });
    } else {
      const source = context.spend ? 'ledger' : 'request_log';
      const rows = await (context.spend ?? context.logs).rollup(readSpendQuery(url.searchParams, source === 'ledger', context.attributes ?? []));
      sendJson(response, 200, { data: rows.map(viewOfSpendRow), source });
    }
  } catch (error) {
    sendAdminError(response, error);
  }
  return true;
}

/** `GET /metrics`: the Prometheus text exposition (unauthenticated, like `/health`; labels carry no secrets). */
export async function handleMetrics(metrics: GatewayMetrics, response: ServerResponse): Promise<void> {
  try {
    const text = await metrics.render();
    response.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
    response.end(text);
  } catch (error) {
    log.error('metrics rendering failed', error);
    response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
  }
}

function readLogQuery(parameters: URLSearchParams): { query: LogQuery; bodies: boolean } {
  const value = readParameters(parameters, logParameters);
  const query: LogQuery = { limit: 100 };
  if (value.key) query.key = value.key;
  if (value.model) query.model = value.model;
  if (value.outcome) {
    if (!(value.outcome in outcomes))
      throw invalidRequest(`outcome: "${value.outcome}" is not an outcome (one of ${Object.keys(outcomes).join(', ')}).`, 'outcome');
    query.outcome = value.outcome;
  }
  if (value.since) query.since = readInstant(value.since, 'since');
  if (value.limit) {
    const limit = Number(value.limit);
    if (!/^\d+$/.test(value.limit) || limit < 1 || limit > 1000)
      throw invalidRequest(`limit: "${value.limit}" must be a whole number from 1 to 1000.`, 'limit');
    query.limit = limit;
  }
  const bodies = value.bodies === 'true' || value.bodies === '1';
  if (value.bodies && !bodies && value.bodies !== 'false' && value.bodies !== '0') throw invalidRequest('bodies: use true or false.', 'bodies');
  return { query, bodies };
}

function readSpendQuery(parameters: URLSearchParams, fromLedger: boolean, attributes: readonly string[]): SpendRollupQuery {
  const value = readParameters(parameters, spendParameters);
  const groups: string[] = fromLedger ? [...commonGroups, 'tag'] : commonGroups;
  const name = value.group_by || 'key';
  // A configured attribute (attribution.headers) groups like a built-in column.
  const query: SpendRollupQuery = attributes.includes(name) ? { groupBy: 'attribute', attribute: name } : { groupBy: name as SpendGroupBy };
  if (query.groupBy !== 'attribute' && !groups.includes(name))
    throw invalidRequest(`group_by: "${value.group_by}" is not a grouping (one of ${[...groups, ...attributes].join(', ')}).`, 'group_by');
  if (value.since) query.since = readInstant(value.since, 'since');
  if (value.until) query.until = readInstant(value.until, 'until');
  return query;
}

/** Known, single-valued parameters; an unknown one is a 400 (a typo must not silently widen the answer). Empty means absent. */
function readParameters(parameters: URLSearchParams, allowed: string[]): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const name of new Set(parameters.keys())) {
    if (!allowed.includes(name)) throw invalidRequest(`${name}: unknown query parameter (allowed: ${allowed.join(', ')}).`, name);
    const all = parameters.getAll(name);
    if (all.length > 1) throw invalidRequest(`${name}: give it once.`, name);
    values[name] = all[0]!.trim() || undefined;
  }
  return values;
}

/** An ISO date or instant, normalized to the `…Z` form the stores compare as text. */
function readInstant(text: string, name: string): string {
  const time = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text).getTime() : Number.NaN;
  if (!Number.isFinite(time)) throw invalidRequest(`${name}: "${text}" is not an ISO date or time (e.g. 2025-06-01 or 2025-06-01T12:00:00Z).`, name);
  return new Date(time).toISOString();
}
