import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startResponsesEmulator } from '../fakes/responses-emulator.ts';
import { localPrebuildEnv } from '../support/native-prebuild.ts';

// What a new user does: pack, install the tarball into an empty folder, run the installed bin.
// The tarball is packed once, by the Dockerfile's own build step, and serves both tests.
const repoRoot = new URL('../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'switchyard-pack-'));
after(() => rmSync(work, { recursive: true, force: true }));
const buildScript = join(repoRoot, 'scripts', 'container-build.sh');
const tarball = 'switchyard-gateway.tgz';
const prebuilds = join(work, 'prebuilds');
mkdirSync(prebuilds);
const installEnv = { ...process.env, ...localPrebuildEnv(prebuilds) };

test('the packed tarball installs into an empty folder and `npx switchyard start` serves a request', { timeout: 300_000 }, async () => {
  execFileSync('sh', [buildScript, 'pack', work], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  const listing = execFileSync('tar', ['tzf', join(work, tarball)], { encoding: 'utf8' }).split('\n');
  assert.ok(listing.includes('package/dist/main.js'), 'the compiled build is packed');
  assert.ok(listing.includes('package/dist/ui/index.html'), 'the built dashboard is packed');
  assert.deepEqual(
    listing.filter((file) => /\.ts$|test|__fixtures__/.test(file) && !file.endsWith('.d.ts')),
    [],
    'no sources, tests or fixtures',
  );

  const app = join(work, 'app');
  execFileSync('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), '{ "name": "switchyard-user", "private": true }\n');
  const started = Date.now();
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, tarball)], {
    cwd: app,
    env: installEnv,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
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
    // The dashboard is served from the installed package's own files.
    const page = await fetch(`${url}/ui/`);
    assert.equal(page.status, 200);
    const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
    assert.ok(script, 'the page names its script');
    assert.equal((await fetch(`${url}${script}`)).status, 200);
    assert.equal(body.output?.at(-1)?.content?.[0]?.text, 'installed and serving');
  } finally {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
    await emulator.close();
  }
});

/** Waits for the "listening on" line of a started gateway. */
function listeningUrl(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
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
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
  });
}

test('the container layout: the Dockerfile steps build /app with production dependencies only; it serves from a read-only app dir and its HEALTHCHECK passes', {
  timeout: 300_000,
}, async () => {
  // The Dockerfile must run the same steps this test runs (and the image's start command and health check).
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  assert.match(dockerfile, /RUN sh scripts\/container-build\.sh pack \/out/);
  assert.match(dockerfile, /RUN sh \/tmp\/build\/container-build\.sh install \/tmp\/build\/switchyard-gateway\.tgz \/tmp\/build\/package-lock\.json \/app/);
  assert.match(dockerfile, /^USER node$/m);
  assert.match(dockerfile, /^HEALTHCHECK .*CMD \["node", "\/app\/healthcheck\.mjs"\]$/m);
  assert.match(dockerfile, /^CMD \["node", "\/app\/bin\/switchyard\.js", "start", "--host", "0\.0\.0\.0", "--port", "4141"\]$/m);

  const root = join(work, 'image');
  const app = join(root, 'app');
  const data = join(root, 'data');
  mkdirSync(data, { recursive: true });
  const started = Date.now();
  execFileSync('sh', [buildScript, 'install', join(work, tarball), join(repoRoot, 'package-lock.json'), app], {
    cwd: root,
    env: { ...installEnv, NPM_CI_FLAGS: '--prefer-offline' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  console.log(`container install step (npm ci --omit=dev): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const installed = (name: string) => {
    try {
      readFileSync(join(app, 'node_modules', name, 'package.json'));
      return true;
    } catch {
      return false;
    }
  };
  assert.equal(installed('better-sqlite3'), true, 'production dependencies are installed');
  assert.equal(installed('typescript'), false, 'dev dependencies are not');
  assert.equal(installed('tsx'), false);
  cpHealthcheck(app);
  // What the image's `node` user gets: /app read-only, state under /data.
  chmodTree(app, 0o555, 0o444);

  const emulator = await startResponsesEmulator({ respond: () => ({ text: 'from the image', usage: { input: 2, output: 2 } }), apiKey: 'sk-upstream-image' });
  writeFileSync(
    join(root, 'switchyard.yaml'),
    `providers:\n  oai: { type: openai, base_url: "${emulator.url}", api_key: sk-upstream-image }\nmodels:\n  coder: { provider: oai, model: gpt-5.5 }\nkeys:\n  - { name: ops, key: sk-image-client }\n`,
  );
  const child = spawn(process.execPath, [join(app, 'bin', 'switchyard.js'), 'start', '--port', '0'], {
    cwd: data,
    env: {
      PATH: process.env['PATH'],
      NODE_ENV: 'production',
      SWITCHYARD_CONFIG: join(root, 'switchyard.yaml'),
      SWITCHYARD_STORAGE_URL: `sqlite:${join(data, 'switchyard.db')}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await listeningUrl(child);
    const health = spawnSync(process.execPath, [join(app, 'healthcheck.mjs')], { env: { HEALTHCHECK_URL: `${url}/health` }, timeout: 10_000 });
    assert.equal(health.status, 0, 'the HEALTHCHECK command passes');
    const down = spawnSync(process.execPath, [join(app, 'healthcheck.mjs')], { env: { HEALTHCHECK_URL: 'http://127.0.0.1:9/health' }, timeout: 10_000 });
    assert.equal(down.status, 1, 'and fails when nothing answers');
    const response = await fetch(`${url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-image-client', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'coder', input: 'hi' }),
    });
    assert.equal(response.status, 200);
    assert.match(JSON.stringify(await response.json()), /from the image/);
    assert.ok(readFileSync(join(data, 'switchyard.db')).length > 0, 'state is written under the data dir');
  } finally {
    child.kill('SIGTERM');
    await emulator.close();
    chmodTree(app, 0o755, 0o644);
  }
});

/** The Dockerfile copies scripts/healthcheck.mjs next to the app. */
function cpHealthcheck(app: string): void {
  writeFileSync(join(app, 'healthcheck.mjs'), readFileSync(join(repoRoot, 'scripts', 'healthcheck.mjs')));
}

function chmodTree(dir: string, dirMode: number, fileMode: number): void {
  execFileSync('find', [dir, '-type', 'd', '-exec', 'chmod', dirMode.toString(8), '{}', '+']);
  execFileSync('find', [dir, '-type', 'f', '!', '-name', '*.node', '-exec', 'chmod', fileMode.toString(8), '{}', '+']);
  chmodSync(dir, dirMode);
}
