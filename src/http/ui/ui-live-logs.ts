import type { IncomingMessage, ServerResponse } from 'node:http';
import { log } from '../../core/log.ts';
import { viewOfLogRow } from '../../observability/log-row-view.ts';
import type { LogQuery, Storage } from '../../store/ports.ts';
import { uiSecurityHeaders } from './ui-static.ts';

export interface LiveLogOptions {
  /** How often the log is read for new rows [1 s: a new request shows within two seconds]. */
  pollMs?: number;
  /** How far back a row's start may lie and still be new (a long request is logged when it ends) [15 min]. */
  lookbackMs?: number;
  /** Comment lines that keep proxies from closing an idle stream [15 s]. */
  heartbeatMs?: number;
}

/**
 * `GET /ui/api/logs/stream`: server-sent events, one `row` event per request logged after the
 * stream opened (the page loads the earlier rows itself), matching the page's filters. It reads
 * the shared request log, so requests served by any instance appear.
 */
export function streamLogs(storage: Storage, filter: LogQuery, request: IncomingMessage, response: ServerResponse, options: LiveLogOptions = {}): void {
  const pollMs = options.pollMs ?? 1_000;
  const lookbackMs = options.lookbackMs ?? 15 * 60_000;
  const seen = new Set<string>();
  // With `since` the page asks for everything after what it has (it drops rows it already shows); without, only rows from now on.
  let primed = filter.since !== undefined;
  let closed = false;
  let busy = false;
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    ...uiSecurityHeaders,
  });
  response.write('retry: 2000\n\n');
  const poll = async () => {
    if (closed || busy) return;
    busy = true;
    try {
      const since = new Date(Date.now() - lookbackMs).toISOString();
      const rows = await storage.logs.query({ ...filter, since: filter.since && filter.since > since ? filter.since : since, limit: 500 });
      const fresh = rows.filter((row) => !seen.has(row.requestId)).reverse();
      for (const row of fresh) seen.add(row.requestId);
      if (seen.size > 20_000) {
        // Forget the oldest half: rows that old are outside the look-back anyway.
        for (const id of [...seen].slice(0, 10_000)) seen.delete(id);
      }
      if (primed && !closed) for (const row of fresh) response.write(`event: row\ndata: ${JSON.stringify(viewOfLogRow(row))}\n\n`);
      primed = true;
    } catch (error) {
      log.warn('dashboard: could not read the request log for the live stream', error);
    } finally {
      busy = false;
    }
  };
  void poll();
  const timer = setInterval(() => void poll(), pollMs);
  const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), options.heartbeatMs ?? 15_000);
  const stop = () => {
    closed = true;
    clearInterval(timer);
    clearInterval(heartbeat);
  };
  request.on('close', stop);
  response.on('close', stop);
}
