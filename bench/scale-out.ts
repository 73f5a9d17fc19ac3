/**
 * `node --import tsx bench/scale-out.ts`: what budgets and rate limits cost per request when
 * they are checked in SQLite (one instance), in Redis (coordination, any number of instances),
 * in Postgres alone (row-locked transactions) and in Postgres + Redis, each Postgres variant on
 * a database of its own created for the run on BENCH_POSTGRES_SERVER and dropped after.
 *
 * Every variant is a Switchyard child process with one key that has a hard budget (never
 * reached) and a rate limit (never reached), so every request reserves, settles and takes a
 * rate ticket; `plain` is the same gateway with a key that has neither (no store on the
 * request path), and `direct` the mock upstream alone. Rounds interleave the variants so they
 * see the same machine state. Prints a Markdown table and writes bench/results/scale-out.json.
 *
 *   BENCH_SECONDS=5 (per variant)  BENCH_ROUNDS=3  BENCH_CONCURRENCY=1,16
 *   BENCH_REDIS_URL=redis://127.0.0.1:6379/0   (keys under a fresh prefix, deleted afterwards)
 *   BENCH_POSTGRES_SERVER=postgres://postgres@127.0.0.1:5432/postgres   (BENCH_POSTGRES=0: no Postgres rows)
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startChildServer, type ChildServer } from './child-server.ts';
import { summarize } from './distribution.ts';
import { runLoad } from './load.ts';
import { MOCK_API_KEY, MOCK_MODEL } from './mock-upstream.ts';
import { processCpuMicros } from './process-cpu.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const benchDir = join(repoRoot, 'bench');
const numberFromEnv = (name: string, fallback: number) => (Number(process.env[name]) > 0 ? Number(process.env[name]) : fallback);
const seconds = numberFromEnv('BENCH_SECONDS', 5);
const rounds = Math.round(numberFromEnv('BENCH_ROUNDS', 3));
const concurrencies = (process.env['BENCH_CONCURRENCY'] ?? '1,16').split(',').map(Number);
const redisUrl = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379/0';
const postgresServer = process.env['BENCH_POSTGRES_SERVER'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const withPostgres = process.env['BENCH_POSTGRES'] !== '0';
const prefix = `switchyard-bench:${randomUUID()}:`;

const unary = Buffer.from(readFileSync(join(benchDir, 'fixtures', 'codex-request.json'), 'utf8').replace('"stream":true', '"stream":false'));
const marker = 'a strict schema.';
const governedKey = 'sk-bench-governed';
const plainKey = 'sk-bench-plain';

interface Variant {
  name: string;
  url: string;
  pid: number | undefined;
  key: string;
}

function config(mockUrl: string, storageUrl: string, coordination: boolean, outboxDir: string): string {
  return [
    'providers:',
    `  mock: { type: openai, base_url: "${mockUrl}/v1", api_key: ${MOCK_API_KEY} }`,
    'models:',
    `  ${MOCK_MODEL}: { provider: mock, model: ${MOCK_MODEL}, pricing: { input: 0.001, output: 0.001 } }`,
    'keys:',
    `  - { name: governed, key: ${governedKey}, budget: { limit_usd: 1000000, window: month, mode: hard }, rate_limit: { rpm: 100000000, tpm: 100000000000, concurrent: 10000 } }`,
    `  - { name: plain, key: ${plainKey} }`,
    `storage: { url: "${storageUrl}", outbox_dir: "${outboxDir}" }`,
    ...(coordination ? [`coordination: { url: "${redisUrl}", key_prefix: "${prefix}" }`] : []),
    '',
  ].join('\n');
}

/** A fresh database for one variant (its name joins `names`, dropped at the end); answers its URL. */
async function createDatabase(names: string[]): Promise<string> {
  const name = `switchyard_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await onPostgresServer((client) => client.query(`CREATE DATABASE ${name}`));
  names.push(name);
  const url = new URL(postgresServer);
  url.pathname = `/${name}`;
  return url.toString();
}

async function onPostgresServer(run: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client(postgresServer);
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-scale-'));
  const children: ChildServer[] = [];
  const databases: string[] = [];
  const start = (name: string, args: string[]) =>
    startChildServer({
      name,
      command: process.execPath,
      args: ['--import', 'tsx', ...args],
      cwd: repoRoot,
      logFile: join(workDir, `${name}.log`),
      startTimeoutMs: 30_000,
    });
  try {
    const mock = await start('mock', [join('bench', 'mock-upstream.ts')]);
    children.push(mock);
    const gateway = async (name: string, storageUrl: string, coordination: boolean) => {
      const file = join(workDir, `${name}.yaml`);
      writeFileSync(file, config(mock.url, storageUrl, coordination, workDir));
      const child = await start(name, ['src/main.ts', 'start', '--config', file, '--port', '0']);
      children.push(child);
      return child;
    };
    const sqlite = await gateway('sqlite', `sqlite:${join(workDir, 'sqlite.db')}`, false);
    const redis = await gateway('sqlite+redis', `sqlite:${join(workDir, 'redis.db')}`, true);
    const variants: Variant[] = [
      { name: 'direct (mock alone)', url: mock.url, pid: undefined, key: MOCK_API_KEY },
      { name: 'plain key (no budget, no limit)', url: sqlite.url, pid: sqlite.pid, key: plainKey },
      { name: 'sqlite: budget + rate limit', url: sqlite.url, pid: sqlite.pid, key: governedKey },
      { name: 'sqlite + redis: budget + rate limit', url: redis.url, pid: redis.pid, key: governedKey },
    ];
    if (withPostgres) {
      const alone = await gateway('postgres', await createDatabase(databases), false);
      const postgres = await gateway('postgres+redis', await createDatabase(databases), true);
      variants.push(
        { name: 'postgres: plain key', url: alone.url, pid: alone.pid, key: plainKey },
        { name: 'postgres: budget + rate limit', url: alone.url, pid: alone.pid, key: governedKey },
        { name: 'postgres + redis: budget + rate limit', url: postgres.url, pid: postgres.pid, key: governedKey },
      );
    }
    const results: Array<Record<string, unknown>> = [];
    for (const concurrency of concurrencies) {
      const samples = new Map(
        variants.map((variant) => [variant.name, { latencies: [] as number[], requests: 0, errors: 0, cpu: 0, errorSamples: [] as string[] }]),
      );
      for (let round = 0; round < rounds; round++) {
        for (let offset = 0; offset < variants.length; offset++) {
          const variant = variants[(round + offset) % variants.length]!;
          const sample = samples.get(variant.name)!;
          let cpuBefore = 0;
          const load = await runLoad({
            url: `${variant.url}/v1/responses`,
            body: unary,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${variant.key}` },
            concurrency,
            durationMs: (seconds * 1000) / rounds,
            warmupMs: round === 0 ? 1_000 : 250,
            expectBodyIncludes: marker,
            beforeMeasure: () => {
              cpuBefore = variant.pid === undefined ? 0 : (processCpuMicros(variant.pid) ?? 0);
            },
            afterMeasure: () => {
              if (variant.pid !== undefined) sample.cpu += (processCpuMicros(variant.pid) ?? 0) - cpuBefore;
            },
          });
          sample.latencies.push(...load.latencySamples);
          sample.requests += load.requests;
          sample.errors += load.errors;
          sample.errorSamples.push(...load.errorSamples);
        }
      }
      const direct = summarize(samples.get(variants[0]!.name)!.latencies);
      for (const variant of variants) {
        const sample = samples.get(variant.name)!;
        const latency = summarize(sample.latencies);
        results.push({
          concurrency,
          variant: variant.name,
          requests: sample.requests,
          errors: sample.errors,
          errorSamples: [...new Set(sample.errorSamples)].slice(0, 3),
          p50Ms: latency.p50,
          p99Ms: latency.p99,
          addedP50Ms: latency.p50 - direct.p50,
          cpuMicrosPerRequest: variant.pid === undefined || sample.requests === 0 ? null : sample.cpu / sample.requests,
        });
      }
    }
    const table = [
      '| concurrency | variant | requests | errors | p50 ms | p99 ms | added p50 ms | gateway CPU µs/request |',
      '|---:|---|---:|---:|---:|---:|---:|---:|',
      ...results
        .map((row) =>
          [
            row['concurrency'],
            row['variant'],
            row['requests'],
            row['errors'],
            (row['p50Ms'] as number).toFixed(2),
            (row['p99Ms'] as number).toFixed(2),
            (row['addedP50Ms'] as number).toFixed(2),
            row['cpuMicrosPerRequest'] === null ? '–' : Math.round(row['cpuMicrosPerRequest'] as number),
          ].join(' | '),
        )
        .map((line) => `| ${line} |`),
    ].join('\n');
    console.log(table);
    mkdirSync(join(benchDir, 'results'), { recursive: true });
    writeFileSync(
      join(benchDir, 'results', 'scale-out.json'),
      `${JSON.stringify({ at: new Date().toISOString(), seconds, rounds, cpus: cpus().length, loadavg: loadavg(), results }, null, 2)}\n`,
    );
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    rmSync(workDir, { recursive: true, force: true });
    for (const name of databases) await onPostgresServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    const client = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    try {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await client.unlink(...keys);
      } while (cursor !== '0');
    } finally {
      client.disconnect();
    }
  }
}

await main();
