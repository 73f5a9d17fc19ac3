import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BudgetWarning } from './budget-guard.ts';
import { postBudgetWarning } from './budget-webhook.ts';

const warning: BudgetWarning = {
  scope: 'team',
  threshold: 0.8,
  subject: 'platform',
  spentMicros: 40_000_000,
  limitMicros: 50_000_000,
  mode: 'soft',
  window: 'month',
  warnAt: 0.8,
  windowStart: '2026-11-01T00:00:00Z',
  resetAt: '2026-12-01T00:00:00Z',
};

async function listen(handler: (request: IncomingMessage, body: string, respond: (status: number) => void) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => handler(request, body, (status) => response.writeHead(status).end()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

test('POSTs the warning as JSON and resolves true on 2xx', async () => {
  const received: Array<{ method: string | undefined; type: string | undefined; body: Record<string, unknown> }> = [];
  const { server, url } = await listen((request, body, respond) => {
    received.push({ method: request.method, type: request.headers['content-type'], body: JSON.parse(body) });
    respond(204);
  });
  try {
    assert.equal(await postBudgetWarning({ ...warning, webhookUrl: url }), true);
    assert.equal(received.length, 1);
    assert.equal(received[0]?.method, 'POST');
    assert.equal(received[0]?.type, 'application/json');
    assert.deepEqual(received[0]?.body, {
      type: 'budget.warning',
      message: 'Budget warning for team "platform": $40.00 of $50.00 used this month (80%).',
      threshold: 0.8,
      scope: 'team',
      subject: 'platform',
      mode: 'soft',
      window: 'month',
      warn_at: 0.8,
      spent_usd: 40,
      limit_usd: 50,
      spent_micros: 40_000_000,
      limit_micros: 50_000_000,
      window_start: '2026-11-01T00:00:00Z',
      resets_at: '2026-12-01T00:00:00Z',
    });
  } finally {
    server.close();
  }
});

test('the cap is its own event: budget.limit_reached, saying what the mode does next', async () => {
  const { budgetWarningPayload } = await import('./budget-webhook.ts');
  const reached = { ...warning, threshold: 1, spentMicros: 50_000_000 };
  assert.deepEqual(
    [budgetWarningPayload(reached).type, budgetWarningPayload(reached).message, budgetWarningPayload(reached).threshold],
    ['budget.limit_reached', 'Budget limit reached for team "platform": $50.00 of $50.00 used this month (100%) (soft: requests still pass).', 1],
  );
  assert.match(String(budgetWarningPayload({ ...reached, mode: 'hard' }).message), /further requests are refused until it resets\.$/);
});

test('never rejects: a 500, a hook that never answers, a closed port and no URL all resolve false', async () => {
  const failing = await listen((_request, _body, respond) => respond(500));
  const silent = await listen(() => {});
  try {
    assert.equal(await postBudgetWarning({ ...warning, webhookUrl: failing.url }), false);
    assert.equal(await postBudgetWarning({ ...warning, webhookUrl: silent.url }, { timeoutMs: 200 }), false);
    assert.equal(await postBudgetWarning({ ...warning, webhookUrl: 'http://127.0.0.1:1/hook' }), false);
    assert.equal(await postBudgetWarning({ ...warning, webhookUrl: 'not a url' }), false);
    assert.equal(await postBudgetWarning(warning), false);
  } finally {
    failing.server.close();
    silent.server.closeAllConnections();
    silent.server.close();
  }
});
