// The dashboard in a real browser: Debian's chromium driven by playwright-core (never a browser
// download), a real gateway, the Responses emulator and a real local OIDC provider.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { ensureUiBuild } from '../support/ui/ensure-ui-build.ts';
import { startLocalOidcProvider, type LocalOidcProvider } from '../support/ui/local-oidc-provider.ts';

const repoRoot = new URL('../../', import.meta.url).pathname;
const masterKey = 'sk-master-dashboard-1';
/** Screenshots of every page: under the test output; `SWITCHYARD_UPDATE_SCREENSHOTS=1` also refreshes docs/dashboard/. */
const screenshots = process.env['SWITCHYARD_TEST_OUTPUT']
  ? join(process.env['SWITCHYARD_TEST_OUTPUT'], 'dashboard')
  : join(repoRoot, '.tmp', 'test-output', 'dashboard');
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let emulator: ResponsesEmulator;
/** A provider that is always overloaded: the `sturdy` alias falls back from it. */
let flaky: ResponsesEmulator;
let gateway: TestGateway;
let oidc: LocalOidcProvider;
let context: BrowserContext;
let page: Page;
const profiles: string[] = [];
/** Every URL the browser asked for and every CSP complaint it logged. */
const requested: string[] = [];
const cspViolations: string[] = [];

before(async () => {
  if (!existsSync('/usr/bin/chromium'))
    throw new Error('Debian chromium is missing at /usr/bin/chromium: run scripts/ensure-test-services.sh (it installs it).');
  ensureUiBuild();
  rmSync(screenshots, { recursive: true, force: true });
  mkdirSync(screenshots, { recursive: true });
  // $100 per million output tokens: the input text says how many output tokens an answer has.
  emulator = await startResponsesEmulator({
    respond: (request) => {
      const input = JSON.stringify(request.body?.input ?? '');
      const output = /big/.test(input) ? 3000 : 1000;
      return { text: 'dashboard answer', usage: { input: 50, output, cached: 10, reasoning: 100 } };
    },
  });
  flaky = await startResponsesEmulator({ respond: () => ({ error: { status: 503, type: 'server_error', code: 'overloaded', message: 'overloaded' } }) });
  oidc = await startLocalOidcProvider();
  gateway = await startTestGateway(`
server: { master_key: ${masterKey} }
providers:
  oai: { type: openai, base_url: "${emulator.url}", api_key: sk-upstream-test }
  flaky: { type: openai, base_url: "${flaky.url}", api_key: sk-upstream-test }
models:
  coder: { provider: oai, model: gpt-5.5, pricing: { input: 0, output: 100 } }
  trial:
    strategy: experiment
    targets:
      - { provider: oai, model: gpt-5.5, weight: 50, variant: big, pricing: { input: 0, output: 100 } }
      - { provider: oai, model: gpt-5-mini, weight: 50, variant: small, pricing: { input: 0, output: 100 } }
  sturdy:
    targets:
      - { provider: flaky, model: gpt-5.5, pricing: { input: 0, output: 100 } }
      - { provider: oai, model: gpt-5.5, pricing: { input: 0, output: 100 } }
routing:
  retry: { max_attempts: 1 }
  circuit_breaker: { failure_threshold: 1, cooldown_ms: 600000 }
  rules:
    - { name: fast-lane, when: { model: sturdy, headers: { x-lane: fast } }, route_to: coder }
attribution:
  headers: { repo: x-repo }
keys:
  - { name: alice, key: sk-alice-dashboard-01, team: platform, budget: { limit_usd: 5, window: month } }
  - { name: bob, key: sk-bob-dashboard-0001, team: research }
  - { name: carol, key: sk-carol-dashboard-01 }
budgets:
  - { scope: team, name: research, limit_usd: 0.12, window: week, mode: soft, warn_at: 0.5 }
  - { scope: org, name: "*", limit_usd: 100, window: month }
logging: { bodies: true }
ui:
  oidc:
    issuer: "${oidc.issuer}"
    client_id: switchyard-dashboard
    client_secret: dashboard-client-secret
    allowed_domains: [example.com]
    admin_emails: [lead@example.com]
`);
  oidc.register({ clientId: 'switchyard-dashboard', clientSecret: 'dashboard-client-secret', redirectUri: `${gateway.url}/ui/auth/callback` });
  // Alice spends the most ($0.30 twice, $0.10 once), Bob $0.10 (83 % of research's $0.12 weekly budget).
  await client('sk-alice-dashboard-01').responses.create({ model: 'coder', input: 'big job one', max_output_tokens: 4000 });
  await client('sk-alice-dashboard-01').responses.create({ model: 'coder', input: 'big job two', max_output_tokens: 4000 });
  await client('sk-bob-dashboard-0001').responses.create({ model: 'coder', input: 'small job', max_output_tokens: 4000 });
  // The fast lane rule sends this one to coder.
  await client('sk-alice-dashboard-01').responses.create(
    { model: 'sturdy', input: 'tiny', max_output_tokens: 4000 },
    { headers: { 'x-lane': 'fast', 'x-repo': 'billing' } },
  );
  // An A/B experiment's one request.
  await client('sk-carol-dashboard-01').responses.create({ model: 'trial', input: 'try it', max_output_tokens: 4000 });
  context = await launch();
  page = context.pages()[0] ?? (await context.newPage());
  page.on('dialog', (dialog) => void dialog.accept());
});

after(async () => {
  await context?.close();
  await gateway?.close();
  await emulator?.close();
  await flaky?.close();
  await oidc?.close();
  for (const profile of profiles) rmSync(profile, { recursive: true, force: true });
  if (process.env['SWITCHYARD_UPDATE_SCREENSHOTS'] === '1') cpSync(screenshots, join(repoRoot, 'docs', 'dashboard'), { recursive: true });
});

function client(key: string): OpenAI {
  return new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
}

/** Chromium with a fresh profile; it records what it fetched and any CSP complaint. */
async function launch(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'switchyard-chromium-'));
  profiles.push(profile);
  const launched = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1440, height: 1000 },
  });
  // What the dashboard's pages fetched (the OIDC provider's own login page is not the gateway's business).
  launched.on('request', (request) => {
    if (request.frame().url().startsWith(gateway.url)) requested.push(request.url());
  });
  launched.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return launched;
}

async function shot(name: string, target: Page = page): Promise<void> {
  await target.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

async function go(path: string, target: Page = page): Promise<void> {
  await target.click(`nav a[href="${path}"]`);
}

test('sign in with the master key: one password field, Enter signs in; the cookie is HttpOnly and SameSite=Strict', async () => {
  await page.goto(`${gateway.url}/ui/`);
  await page.waitForSelector('input[type=password]');
  await shot('sign-in');
  await page.fill('input[type=password]', 'wrong-key-123');
  await page.press('input[type=password]', 'Enter');
  await page.waitForSelector('[role=alert]');
  assert.match((await page.textContent('[role=alert]')) ?? '', /Incorrect master key/);
  await page.fill('input[type=password]', masterKey);
  await page.press('input[type=password]', 'Enter');
  await page.waitForSelector('[data-testid=who]');
  assert.match((await page.textContent('[data-testid=who]')) ?? '', /master key · admin/);
  const [cookie] = await context.cookies(`${gateway.url}/ui/`);
  assert.deepEqual([cookie?.name, cookie?.httpOnly, cookie?.sameSite, cookie?.secure, cookie?.path], ['switchyard_session', true, 'Strict', false, '/ui']);
  // The page's own scripts cannot read it.
  assert.equal(await page.evaluate(() => (globalThis as any).document.cookie), '');
});

test('live logs: a request made now appears within two seconds without a reload; its detail shows the fallback, the guardrail verdict, tokens, cost and redacted bodies', async () => {
  await go('/ui/logs');
  await page.waitForSelector('[data-testid=live].on');
  const token = `${'gh'}p_${'R7kQ2mX9vL4tW8nB3cZ6yH1jF5dS0aPeUo9K'}`;
  const { response } = await client('sk-bob-dashboard-0001')
    .responses.create({ model: 'sturdy', input: `watch me live, token ${token}`, max_output_tokens: 4000 })
    .withResponse();
  const requestId = response.headers.get('x-request-id')!;
  await page.waitForSelector(`tr[data-request-id="${requestId}"]`, { timeout: 2_000 });
  await page.click(`tr[data-request-id="${requestId}"]`);
  await page.waitForSelector('[data-testid=request-detail]');
  const detail = (await page.textContent('[data-testid=request-detail]')) ?? '';
  assert.match(detail, /flaky\/gpt-5\.5: \w+ \(HTTP 503\)/, 'the attempt that failed');
  assert.match(detail, /oai\/gpt-5\.5: ok \(HTTP 200\)/, 'the fallback that answered');
  assert.match((await page.textContent('[data-testid=verdicts]')) ?? '', /redact: github-token at /);
  assert.match(detail, /input 50 \(cached 10, cache write 0\) · output 1,000 \(reasoning 100\)/);
  assert.match(detail, /\$0\.10/);
  assert.match(detail, /Request \(redacted\)\{"model":"sturdy","input":"watch me live, token \[secret:/, 'the logged request body, the secret replaced');
  assert.ok(!detail.includes(token), 'the secret itself is nowhere on the page');
  await shot('logs');
  // Filters: only the platform team's requests (alice's three), bob's live one gone.
  await page.fill('input[name=team]', 'platform');
  await page.click('form.filters button[type=submit]');
  await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('tr[data-request-id]').length === 3);
});

test('keys: create (secret shown once) and the gateway serves it; revoke it and the gateway refuses it at once; config keys are read-only', async () => {
  await go('/ui/keys');
  await page.waitForSelector('[data-testid=key-table] tr[data-key=alice]');
  assert.match((await page.textContent('tr[data-key=alice]')) ?? '', /in the config file/);
  await page.fill('input[name=name]', 'temp-laptop');
  await page.fill('input[name=team]', 'platform');
  await page.fill('input[name=models]', 'coder');
  await page.fill('input[name=budgetUsd]', '2');
  await page.fill('input[name=rpm]', '30');
  await page.click('[data-testid=key-form] button[type=submit]');
  await page.waitForSelector('[data-testid=secret-value]');
  const secret = (await page.textContent('[data-testid=secret-value]'))!.trim();
  assert.match(secret, /^sk-/);
  await shot('keys');
  const served = await client(secret).responses.create({ model: 'coder', input: 'new key', max_output_tokens: 4000 });
  assert.equal(served.status, 'completed');
  // Edit: the allowlist and the rate limit change.
  await page.click('tr[data-key=temp-laptop] button:has-text("Edit")');
  await page.fill('input[name=rpm]', '60');
  await page.click('[data-testid=key-form] button[type=submit]');
  await page.waitForSelector('tr[data-key=temp-laptop]:has-text("rpm 60")');
  await page.click('tr[data-key=temp-laptop] button.danger');
  await page.waitForSelector('tr[data-key=temp-laptop] [data-testid=key-status]:text-is("revoked")');
  await assert.rejects(
    client(secret).responses.create({ model: 'coder', input: 'after revoke', max_output_tokens: 4000 }),
    (error: InstanceType<typeof OpenAI.APIError>) => error.status === 401 && error.code === 'invalid_api_key',
  );
});

test('spend: the total on the page is the /admin/spend total; every budget shows window, use, cap, warn line and reset', async () => {
  await go('/ui/spend');
  await page.waitForSelector('[data-testid=budget-table]');
  await page.waitForSelector('[data-testid=spend-table] tr[data-group=alice]');
  const today = new Date();
  const since = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - 6 * 86_400_000).toISOString();
  const admin = (await (
    await fetch(`${gateway.url}/admin/spend?group_by=key&since=${since}`, { headers: { authorization: `Bearer ${masterKey}` } })
  ).json()) as {
    data: Array<{ cost_usd: number }>;
  };
  const total = admin.data.reduce((sum, row) => sum + row.cost_usd, 0);
  assert.ok(total > 0);
  assert.equal(await page.textContent('[data-testid=spend-total]'), `$${total.toFixed(2)}`);
  const research = (await page.textContent('tr[data-budget="team:research"]')) ?? '';
  assert.match(research, /week from \d{4}-\d{2}-\d{2}/);
  assert.match(research, /\$0\.12/);
  assert.match(research, /50% \(\$0\.06\)/, 'the warn line');
  assert.match(research, /in \d+ (d|h|min)/, 'the reset time');
  assert.match((await page.textContent('[data-testid=experiment-table]')) ?? '', /trial(big|small)50%1 \(100%\)/);
  await shot('spend');
  // A configured attribute is a grouping too.
  await page.selectOption('select[name=group_by]', 'repo');
  await page.waitForSelector('[data-testid=spend-table] tr[data-group=billing]');
  assert.match((await page.textContent('tr[data-group=billing]')) ?? '', /billing\$0\.10\s*1/);
});

test('providers: each target with its breaker, latency and attempts; the rules with their hit counts', async () => {
  await go('/ui/providers');
  await page.waitForSelector('tr[data-target="oai/gpt-5.5"]');
  const row = (await page.textContent('tr[data-target="oai/gpt-5.5"]')) ?? '';
  assert.match(row, /closed/);
  assert.match(row, /coder/);
  // The overloaded target failed once (the threshold here): its breaker is open, with the error beside it.
  const flakyRow = (await page.textContent('tr[data-target="flaky/gpt-5.5"]')) ?? '';
  assert.match(flakyRow, /open until \d{4}-\d{2}-\d{2} [\d:]+/);
  assert.match(flakyRow, /1 \/ 1/);
  assert.match(flakyRow, /upstream_error 503 provider_overloaded/);
  assert.match((await page.textContent('tr[data-rule=fast-lane]')) ?? '', /fast-lane.*x-lane.*coder\s*1$/);
  await shot('providers');
});

test('overview: who spent the most this week, which budget is closest to its cap, why the last request failed', async () => {
  await go('/ui/');
  await page.waitForSelector('[data-testid=top-spender] strong');
  assert.match((await page.textContent('[data-testid=top-spender]')) ?? '', /alice spent \$0\.70 in 3 requests/);
  const closest = (await page.textContent('[data-testid=closest-budget]')) ?? '';
  // Bob's two requests cost $0.20 of research's $0.12: the fullest budget.
  assert.match(closest, /team research: \$0\.20 of \$0\.12 \(167%\) this week/);
  const failure = (await page.textContent('[data-testid=last-failure]')) ?? '';
  // The last failure is the revoked key's refused call.
  assert.match(failure, /rejected_auth \(401, policy_invalid_api_key\)/);
  assert.match(failure, /temp-laptop|revoked/i);
  assert.notEqual(await page.textContent('[data-testid=spend-month]'), '$0.00');
  // Every served answer read 10 of its 50 input tokens from the provider's prompt cache.
  assert.match((await page.textContent('[data-testid=cached-share]')) ?? '', /Prompt-cached input tokens\s*20(\.0)?%/);
  assert.match((await page.textContent('[data-testid=caching]')) ?? '', /By key.*alice/s);
  await page.waitForSelector('.chart canvas');
  await shot('overview');
  // Another range: the charts and tiles follow.
  const answered = page.waitForResponse((answer) => answer.url().includes('/ui/api/overview?range=7d'));
  await page.click('.ranges button:has-text("7d")');
  const week = (await (await answered).json()) as { bucket_ms: number; series: unknown[]; totals: { requests: number } };
  assert.deepEqual([week.bucket_ms, week.series.length], [6 * 3_600_000, 28]);
  assert.equal(week.totals.requests, 8, 'every request so far: 3 by alice, 2 by bob, 1 by carol, 1 by the new key, 1 refused');
  await page.waitForSelector('.ranges button.active:has-text("7d")');
  await page.waitForSelector('[data-testid=top-spender] strong');
});

test('single sign-on through a local OIDC provider: a viewer reads logs and spend but sees no keys', async () => {
  await page.click('nav button.link:has-text("Sign out")');
  await page.waitForSelector('[data-testid=sso]');
  await page.click('[data-testid=sso]');
  await page.waitForSelector('input[name=login]');
  await page.fill('input[name=login]', 'viewer@example.com');
  await page.fill('input[name=password]', 'any-password');
  await page.click('button[type=submit]');
  await page.waitForSelector('button:has-text("Continue")');
  await page.click('button:has-text("Continue")');
  await page.waitForSelector('[data-testid=who]');
  assert.match((await page.textContent('[data-testid=who]')) ?? '', /viewer@example\.com · viewer/);
  assert.equal(await page.locator('nav a[href="/ui/keys"]').count(), 0, 'no keys page in the menu');
  const keys = await page.evaluate(async () => (await fetch('/ui/api/keys')).status);
  assert.equal(keys, 403);
  await go('/ui/logs');
  await page.waitForSelector('tr[data-request-id]');
  await shot('viewer-logs');
});

test('single sign-on refuses an account outside allowed_emails / allowed_domains, with a page that says why', async () => {
  const outsider = await launch();
  try {
    const other = outsider.pages()[0] ?? (await outsider.newPage());
    await other.goto(`${gateway.url}/ui/`);
    await other.click('[data-testid=sso]');
    await other.fill('input[name=login]', 'someone@elsewhere.io');
    await other.fill('input[name=password]', 'any-password');
    await other.click('button[type=submit]');
    await other.click('button:has-text("Continue")');
    await other.waitForSelector('#reason');
    assert.match((await other.textContent('#reason')) ?? '', /someone@elsewhere\.io may not use this dashboard/);
    assert.deepEqual(
      (await outsider.cookies(`${gateway.url}/ui/`)).filter((cookie) => cookie.name === 'switchyard_session'),
      [],
    );
  } finally {
    await outsider.close();
  }
});

test('nothing came from outside the gateway and the CSP was never violated', () => {
  assert.ok(
    requested.some((url) => url.includes('/ui/assets/')),
    'the record is real',
  );
  // The one way out is the single sign-on navigation to the identity provider.
  const outside = requested.filter((url) => !url.startsWith(gateway.url) && !url.startsWith(`${oidc.issuer}/`) && !url.startsWith('data:'));
  assert.deepEqual(outside, []);
  assert.deepEqual(cspViolations, []);
});
