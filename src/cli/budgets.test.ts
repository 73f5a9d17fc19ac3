import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../test/support/start-test-gateway.ts';
import type { AdminCliIo } from './admin-api-client.ts';
import { runBudgets } from './budgets.ts';

let gateway: TestGateway;
before(async () => {
  gateway = await startTestGateway(`
server: { master_key: sk-master-budgets-cli }
keys:
  - { name: alice, key: sk-alice-budget-cli-1, budget: { limit_usd: 5, window: month } }
budgets:
  - { scope: org, name: "*", limit_usd: 100, window: total, mode: soft, warn_at: 0.9 }
`);
});
after(() => gateway.close());

function run(argv: string[]): Promise<string> {
  let out = '';
  const io: AdminCliIo = {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: () => {} },
    env: { SWITCHYARD_URL: gateway.url, SWITCHYARD_MASTER_KEY: 'sk-master-budgets-cli' },
  };
  return runBudgets(argv, io).then(() => out);
}

test('switchyard budgets prints every budget from GET /admin/budgets: window, use, cap, warn line, reset', async () => {
  const lines = (await run([])).trimEnd().split('\n');
  assert.match(lines[0]!, /^BUDGET\s+WINDOW\s+MODE\s+SPENT \(USD\)\s+CAP \(USD\)\s+USED\s+WARN AT\s+RESETS\s+STATUS$/);
  assert.match(lines[1]!, /^key alice\s+month\s+hard\s+0\.0000\s+5\.00\s+0\.0%\s+80\.0%\s+\d{4}-\d{2}-01T00:00:00Z\s+ok$/);
  assert.match(lines[2]!, /^org\s+total\s+soft\s+0\.0000\s+100\.00\s+0\.0%\s+90\.0%\s+never\s+ok$/);
  const json = JSON.parse(await run(['--json'])) as { data: Array<{ subject: string }> };
  assert.deepEqual(
    json.data.map((row) => row.subject),
    ['alice', '*'],
  );
});
