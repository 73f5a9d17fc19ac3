/**
 * The soak of `npm run bench` (issue #21): wrk at 64 connections for N minutes against the
 * gateway alone, the Codex request streamed and whole in turn, while this process samples the
 * gateway's resident set size from /proc/<pid>/status every 2 s and its event-loop lag p99 from
 * `/metrics` every 5 s (prom-client's `nodejs_eventloop_lag_p99_seconds`, reset at each scrape,
 * so each reading covers the 5 s before it).
 */
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import type { ProxyProcess } from './measure-rounds.ts';
import type { TargetRequest } from './perf-cells.ts';
import { lagP99FromMetrics, type SoakSamples } from './perf-report.ts';
import { runWrk } from './wrk.ts';

export interface SoakPlan {
  gateway: ProxyProcess;
  requests: TargetRequest[];
  minutes: number;
  connections: number;
  workDir: string;
  generatorCpus: string;
}

function rssMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function scrapeLag(url: string): Promise<number | undefined> {
  try {
    const response = await request(`${url}/metrics`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
    return lagP99FromMetrics(await response.body.text());
  } catch {
    return undefined;
  }
}

export async function runSoak(plan: SoakPlan): Promise<SoakSamples> {
  const rss: number[] = [];
  const lag: number[] = [];
  await scrapeLag(plan.gateway.url); // resets the lag histogram: the readings start with the load
  const rssTimer = setInterval(() => {
    const value = rssMb(plan.gateway.pid);
    if (value !== undefined) rss.push(value);
  }, 2_000);
  const lagTimer = setInterval(() => {
    void scrapeLag(plan.gateway.url).then((value) => {
      if (value !== undefined) lag.push(value);
    });
  }, 5_000);
  try {
    const result = await runWrk({
      origin: plan.gateway.url,
      requests: plan.requests.map((spec) => ({ path: spec.path, bodyFile: spec.bodyFile, headers: spec.headers })),
      connections: plan.connections,
      durationSeconds: Math.max(1, Math.round(plan.minutes * 60)),
      cpus: plan.generatorCpus,
      workDir: plan.workDir,
    });
    return {
      minutes: plan.minutes,
      connections: plan.connections,
      rssMb: rss,
      lagP99Ms: lag,
      requests: result.requests,
      errors: result.errors,
      requestsPerSecond: result.requestsPerSecond,
    };
  } finally {
    clearInterval(rssTimer);
    clearInterval(lagTimer);
  }
}
