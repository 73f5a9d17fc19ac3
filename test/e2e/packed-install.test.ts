import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startResponsesEmulator } from '../fakes/responses-emulator.ts';

// What a new user does: pack, install the tarball into an empty folder, run the installed bin.
const repoRoot = new URL('../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'switchyard-pack-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('the packed tarball installs into an empty folder and `npx switchyard start` serves a request', { timeout: 300_000 }, async () => {
  execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = readdirSync(work).find((file) => /^switchyard-gateway-.*\.tgz$/.test(file));
  assert.ok(tarball, 'npm pack wrote switchyard-gateway-<version>.tgz');
  const listing = execFileSync('tar', ['tzf', join(work, tarball)], { encoding: 'utf8' }).split('\n');
  assert.ok(listing.includes('package/dist/main.js'), 'the compiled build is packed');
  assert.deepEqual(
    listing.filter((file) => /\.ts$|test|__fixtures__/.test(file) && !file.endsWith('.d.ts')),
    [],
    'no sources, tests or fixtures',
  );

  const app = join(work, 'app');
  execFileSync('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), '{ "name": "switchyard-user", "private": true }\n');
  const started = Date.now();
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, tarball)], { cwd: app, stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`npm install of the tarball: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.match(execFileSync('npx', ['switchyard', '--version'], { cwd: app, encoding: 'utf8' }), /^\d+\.\d+\.\d+/);

  const emulator = await startResponsesEmulator({
    respond: () => ({ text: 'installed and serving', usage: { input: 5, output: 3 } }),
    apiKey: 'sk-upstream-pack',
  });
  writeFileSync(
    join(app, 'switchyard.yaml'),
    `providers:\n  oai: { type: openai, base_url: "${emulator.url}", api_key: sk-upstream-pack }\nmodels:\n  coder: { provider: oai, model: gpt-5.5 }\n`,
  );
  const child = spawn('npx', ['switchyard', 'start', '--config', 'switchyard.yaml', '--port', '0'], {
    cwd: app,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  try {
    const execAt = Date.now();
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`no listening line:\n${output}`)), 30_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/[^\s]+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.once('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
    });
    console.log(`npx switchyard start → listening in ${Date.now() - execAt} ms (npx included)`);
    const response = await fetch(`${url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'coder', input: 'hi' }),
    });
    const body = (await response.json()) as { output?: Array<{ content?: Array<{ text?: string }> }> };
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.output?.at(-1)?.content?.[0]?.text, 'installed and serving');
  } finally {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
    await emulator.close();
  }
});
