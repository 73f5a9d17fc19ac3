/**
 * `npm run bench`: the performance table of issue #21, every figure a ratio or difference
 * against a floor measured in the same run.
 *
 * Processes: the fast mock upstream (bench/mock-upstream.ts) and wrk (1 thread) on cpu 0; the
 * proxy under test alone on cpu 1 (`taskset`): the bare node:http + undici floor
 * (bench/floor-proxy.ts), the parsing floor (the same with --parse: it parses and re-serializes
 * every body and SSE event), and Switchyard compiled (`bin/switchyard.js`, dist/ rebuilt if
 * stale) with the default config (guardrails on) plus one provider per dialect. Each cell runs
 * its targets in interleaved rounds and reports medians; CPU per request comes from
 * /proc/<pid>/stat of each process (wrk's from the shell's `times`).
 *
 *   --only passthrough,ttfb,translated,soak   groups to run (default: all)
 *   --cells TEXT[,TEXT]    only cells whose name contains one of the texts as whole words (e.g. "responses sse", "C=1")
 *   --concurrency 1,16     connections of the passthrough and translated cells (default 1,16)
 *   --quick                2 rounds of 1 s after 1 s warm-up, 15 s soak: a smoke run, noisy
 *   --soak-minutes N       soak length (default 1; 10 for the record)
 *   --baseline DIR         also measure the gateway of another checkout (built there), interleaved
 *   BENCH_SECONDS=3 BENCH_ROUNDS=3 BENCH_WARMUP_SECONDS=1   per run, rounds, warm-up per target
 *   BENCH_SWITCHYARD_YAML=…  config lines added for this checkout's gateway only
 *   BENCH_CPU_PROF=DIR       V8 CPU profiles of the proxies (BENCH_CPU_PROF_INTERVAL µs, default 1000)
 *
 * `npm run bench -- startup` measures start-up time and idle RSS instead (bench/startup.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChildServerError, startChildServer, type ChildServer } from './child-server.ts';
import { cellTargets, measureRounds, preflight, type ProxyProcess } from './measure-rounds.ts';
import { MOCK_API_KEY, MOCK_MODEL } from './mock-upstream.ts';
import { buildCells } from './perf-cells.ts';
import { baselineTable, cellProblems, cellTable, goalRows, goalTable, soakRows, type CellRounds, type GoalRow, type SoakSamples } from './perf-report.ts';
import { runSoak } from './soak.ts';
import { startGateway } from './start-gateway.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const GENERATOR_CPUS = '0';
const PROXY_CPUS = '1';

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function list(name: string): string[] | undefined {
  return argument(name)
    ?.split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const quick = process.argv.includes('--quick');
const groups = list('--only') ?? ['passthrough', 'ttfb', 'translated', 'soak'];
const cellFilter = list('--cells');
const concurrencies = (list('--concurrency') ?? ['1', '16']).map(Number);
const baselineDir = argument('--baseline') ? resolve(argument('--baseline')!) : undefined;
const seconds = quick ? 1 : Math.max(1, Math.round(envNumber('BENCH_SECONDS', 3)));
const rounds = quick ? 2 : Math.max(1, Math.round(envNumber('BENCH_ROUNDS', 3)));
const warmupSeconds = Math.max(1, Math.round(envNumber('BENCH_WARMUP_SECONDS', 1)));
const soakMinutes = Number(argument('--soak-minutes') ?? (quick ? 0.25 : 1));
const switchyardYaml = process.env['BENCH_SWITCHYARD_YAML'];
const profileDir = process.env['BENCH_CPU_PROF'] ? resolve(process.env['BENCH_CPU_PROF']) : undefined;
const proxyNodeFlags = profileDir ? ['--cpu-prof', '--cpu-prof-interval', process.env['BENCH_CPU_PROF_INTERVAL'] ?? '1000', '--cpu-prof-dir', profileDir] : [];

function sourceVersion(): { commit: string; srcDirty: boolean } | undefined {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
    return { commit: git('rev-parse', '--short', 'HEAD'), srcDirty: git('status', '--porcelain', '--', 'src').length > 0 };
  } catch {
    return undefined;
  }
}

const load = (values: number[]): string => values.map((value) => value.toFixed(2)).join(' ');

async function main(): Promise<number> {
  const loadAtStart = loadavg();
  // This process (the undici loader of the TTFB cell) shares cpu 0 with wrk and the mock.
  execFileSync('taskset', ['-pc', GENERATOR_CPUS, String(process.pid)], { stdio: 'ignore' });
  const workDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const children: ChildServer[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(children.splice(0).map((child) => child.stop()));
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  const measured: CellRounds[] = [];
  const problems: string[] = [];
  let soak: SoakSamples | undefined;
  const { cells, soak: soakRequests } = buildCells(workDir, { concurrencies });
  // Whole words: "json small" matches "responses json small C=16", "C=1" does not match "C=16".
  const matches = (name: string, text: string) => new RegExp(`(^|\\s)${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|\\s)`).test(name);
  const selected = cells.filter((cell) => groups.includes(cell.group) && (!cellFilter || cellFilter.some((text) => matches(cell.name, text))));
  try {
    const node = async (name: string, cpu: string, script: string, args: string[], flags: string[] = []): Promise<ProxyProcess> => {
      const child = await startChildServer({
        name,
        command: 'taskset',
        args: ['-c', cpu, process.execPath, ...flags, '--import', 'tsx', join('bench', script), ...args],
        cwd: repoRoot,
        logFile: join(workDir, `${name}.log`),
      });
      children.push(child);
      return { url: child.url, pid: child.pid };
    };
    const mock = await node('mock', GENERATOR_CPUS, 'mock-upstream.ts', []);
    const proxies: Record<string, ProxyProcess> = {};
    if (selected.some((cell) => cell.floor === 'floor'))
      proxies['floor'] = await node('floor', PROXY_CPUS, 'floor-proxy.ts', ['--upstream', mock.url, '--api-key', MOCK_API_KEY], proxyNodeFlags);
    if (selected.some((cell) => cell.floor === 'parsing-floor')) {
      proxies['parsing-floor'] = await node(
        'parsing-floor',
        PROXY_CPUS,
        'floor-proxy.ts',
        ['--upstream', mock.url, '--api-key', MOCK_API_KEY, '--parse'],
        proxyNodeFlags,
      );
    }
    const gateway = async (root: string, dir: string, extraYaml: string | undefined): Promise<ProxyProcess> => {
      mkdirSync(dir, { recursive: true });
      const child = await startGateway({
        repoRoot: root,
        workDir: dir,
        mockUrl: mock.url,
        upstreamApiKey: MOCK_API_KEY,
        model: MOCK_MODEL,
        nodeFlags: proxyNodeFlags,
        compiled: true,
        cpus: PROXY_CPUS,
        dialects: true,
        ...(extraYaml ? { extraYaml } : {}),
      });
      children.push(child);
      return { url: child.url, pid: child.pid };
    };
    try {
      proxies['switchyard'] = await gateway(repoRoot, join(workDir, 'switchyard'), switchyardYaml);
      if (baselineDir) proxies['baseline'] = await gateway(baselineDir, join(workDir, 'baseline'), undefined);
    } catch (error) {
      const output = error instanceof ChildServerError ? `\n--- its output ---\n${error.output.slice(-8_000)}\n---` : '';
      process.stdout.write(`switchyard NOT started: ${error instanceof Error ? error.message : String(error)}${output}\n`);
      return 1;
    }
    process.stdout.write(
      `${selected.length} cells${groups.includes('soak') ? ` + a ${soakMinutes} min soak` : ''}: ${rounds} interleaved rounds of ${seconds} s per target after ${warmupSeconds} s warm-up; ` +
        `wrk -t1 and the mock on cpu ${GENERATOR_CPUS}, each proxy on cpu ${PROXY_CPUS}; load average ${load(loadAtStart)}\n`,
    );
    for (const cell of selected) {
      const targets = cellTargets(cell, proxies);
      const failures: string[] = [];
      for (const target of targets) {
        const problem = await preflight(proxies[target]!.url, cell.requests[target === 'baseline' ? 'switchyard' : target]!);
        if (problem) failures.push(`${cell.name}: ${target} preflight: ${problem}`);
      }
      if (failures.length > 0) {
        problems.push(...failures);
        process.stdout.write(`  ${failures.join('\n  ')}\n`);
        continue;
      }
      const result = await measureRounds(cell, { proxies, mock, rounds, seconds, warmupSeconds, workDir, generatorCpus: GENERATOR_CPUS });
      measured.push(result);
      problems.push(...cellProblems(result));
      const line = goalRows(result)
        .map((row) => `${row.measure} ${row.value.toFixed(2)} ${row.pass ? 'PASS' : 'FAIL'}`)
        .join('; ');
      process.stdout.write(`  ${cell.name.padEnd(34)} ${line}\n`);
    }
    if (groups.includes('soak')) {
      process.stdout.write(`  soak: ${soakMinutes} min at 64 connections…\n`);
      soak = await runSoak({
        gateway: proxies['switchyard']!,
        requests: soakRequests,
        minutes: soakMinutes,
        connections: 64,
        workDir,
        generatorCpus: GENERATOR_CPUS,
      });
    }
  } finally {
    await stopAll();
    rmSync(workDir, { recursive: true, force: true });
  }
  const rows: GoalRow[] = [...measured.flatMap(goalRows), ...(soak ? soakRows(soak) : [])];
  const loadAtEnd = loadavg();
  process.stdout.write(`\n${cellTable(measured)}\n\n${goalTable(rows)}\n\n`);
  const versus = baselineTable(measured);
  if (versus) process.stdout.write(`against the baseline at ${baselineDir}:\n${versus}\n\n`);
  const failed = rows.filter((row) => !row.pass).length;
  process.stdout.write(`${rows.length - failed} of ${rows.length} goals met${problems.length > 0 ? `; problems:\n  ${problems.join('\n  ')}` : ''}\n`);
  process.stdout.write(`load average at start ${load(loadAtStart)}, at end ${load(loadAtEnd)} (${cpus().length} CPUs), Node ${process.version}\n`);
  const results = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      kernel: release(),
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadAtEnd,
    },
    settings: { quick, seconds, rounds, warmupSeconds, groups, concurrencies, soakMinutes, baselineDir, switchyardYaml },
    source: sourceVersion(),
    cells: measured,
    soak,
    goals: rows,
    problems,
  };
  mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
  writeFileSync(join(repoRoot, 'bench', 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write('results written to bench/results/latest.json\n');
  return problems.length > 0 ? 1 : 0;
}

process.exitCode = process.argv[2] === 'startup' ? await (await import('./startup.ts')).runStartupBench() : await main();
