import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from './config/load-config.ts';
import { startGateway } from './app.ts';

test('coordination.url is refused at start until shared coordination exists, rather than silently ignored', async () => {
  const config = parseConfigText(
    `
storage: { url: "sqlite::memory:" }
providers: { oai: { type: openai, api_key: sk-test } }
coordination: { url: "redis://127.0.0.1:6379/0" }
`,
    { env: {}, source: 'test', cwd: process.cwd() },
  );
  await assert.rejects(startGateway(config, { port: 0 }), /coordination\.url: Redis coordination is not available/);
});
