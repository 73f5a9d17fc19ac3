// Guardrail scan cost (issue #14): `node --import tsx bench/guardrail-scan.ts`.
// Per 100 KB of benign code (slices of the gateway's own source), the captured Codex request
// through the whole request step (parse, the dialect's text walk, scan), and the 256 KB
// keyword-stuffed adversarial prompt. Default rules (secrets + pii + injection). Also the floor:
// one regex pass over the same text, to read the numbers as ratios on any machine.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { rawBodyMayHaveFindings, scanTexts } from '../src/policy/guardrails/scan-texts.ts';
import { evaluateRequest, type RequestText } from '../src/policy/guardrails/evaluate-request.ts';
import { defaultGuardrails } from '../src/config/guardrails-config.ts';
import { responsesSurface } from '../src/dialects/openai-responses/index.ts';
import type { GuardrailCategory } from '../src/policy/guardrails/finding.ts';

const root = new URL('../', import.meta.url).pathname;
const categories = new Set<GuardrailCategory>(['secrets', 'pii', 'injection']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

function percentiles(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length * 0.5)]!, p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]! };
}

async function measure(label: string, runs: number, work: (run: number) => Promise<unknown> | unknown): Promise<void> {
  for (let run = 0; run < 20; run++) await work(run);
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    await work(run);
    samples.push(performance.now() - start);
  }
  const { p50, p99 } = percentiles(samples);
  console.log(`${label.padEnd(58)} p50 ${p50.toFixed(3).padStart(8)} ms   p99 ${p99.toFixed(3).padStart(8)} ms`);
}

const code = sources(join(root, 'src'))
  .sort()
  .map((file) => readFileSync(file, 'utf8'))
  .join('\n');
const slices = Array.from({ length: Math.floor(code.length / 100_000) }, (_, index) => code.slice(index * 100_000, (index + 1) * 100_000));
// Third-party code that is not about keys and tokens: undici's lib/ (JavaScript).
const jsFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? jsFiles(path) : path.endsWith('.js') ? [path] : [];
  });
const undici = jsFiles(join(root, 'node_modules/undici/lib'))
  .sort()
  .map((file) => readFileSync(file, 'utf8'))
  .join('\n');
const undiciSlices = Array.from({ length: Math.floor(undici.length / 100_000) }, (_, index) => undici.slice(index * 100_000, (index + 1) * 100_000));
const asciiSlices = slices.map((slice) => slice.replace(/[^ -~\t\n\r]/g, '?'));
const codexBody = JSON.parse(readFileSync(join(root, 'bench/fixtures/codex-request.json'), 'utf8')) as Record<string, unknown>;
const stuffedSeeds = [
  'ghp_',
  'sk-proj-',
  'password=',
  'token: ',
  'AKIA',
  'eyJaaaaaaaaaa.eyJ',
  'a@b.co',
  '+1 555',
  '4111 1111 ',
  '-----BEGIN ',
  'postgres://u:p@',
  '\u202E',
];
let stuffed = '';
for (let index = 0; stuffed.length < 256 * 1024; index++) stuffed += stuffedSeeds[index % stuffedSeeds.length] + 'aA0'.repeat(index % 37);
stuffed = stuffed.slice(0, 256 * 1024);

console.log(`guardrail scan, default rules; ${slices.length} slices of 100 KB of the gateway's source; node ${process.version}`);
await measure('floor: one regex pass (/oken/g) over 100 KB', 400, (run) => slices[run % slices.length]!.match(/oken/g)?.length);
await measure('scan 100 KB benign code (as is: some non-ASCII, UTF-16)', 400, (run) =>
  scanTexts([{ text: slices[run % slices.length]!, location: 'x', source: 'tool-output' }], { categories, maxScanChars: 1 << 24, cache: false }),
);
await measure('scan 100 KB benign code (ASCII only)', 400, (run) =>
  scanTexts([{ text: asciiSlices[run % asciiSlices.length]!, location: 'x', source: 'tool-output' }], { categories, maxScanChars: 1 << 24, cache: false }),
);
await measure(`scan 100 KB third-party JS (undici lib/, ${undiciSlices.length} slices)`, 400, (run) =>
  scanTexts([{ text: undiciSlices[run % undiciSlices.length]!, location: 'x', source: 'tool-output' }], { categories, maxScanChars: 1 << 24, cache: false }),
);
await measure('same, as a user message (no hidden-instruction pass)', 400, (run) =>
  scanTexts([{ text: undiciSlices[run % undiciSlices.length]!, location: 'x', source: 'message' }], { categories, maxScanChars: 1 << 24, cache: false }),
);
await measure('Codex request (38 KB): text walk + scan', 400, async () => {
  const texts: RequestText[] = [];
  responsesSurface.mapRequestText(codexBody, (text, location, source, json) => {
    texts.push({ text, location, source, json });
    return text;
  });
  return evaluateRequest(texts, defaultGuardrails, 'bench-salt-0000000000000000');
});
await measure('Codex request (38 KB): JSON.parse (what the walk needs first)', 400, () => JSON.parse(JSON.stringify(codexBody)));
await measure('adversarial: 256 KB keyword-stuffed', 30, () =>
  scanTexts([{ text: stuffed, location: 'x', source: 'tool-output' }], { categories, maxScanChars: 1 << 24, cache: false }),
);

// The request step's pre-check on raw bytes (before any parse): an agent request stops at its
// first anchor word; a request with no sign of anything a rule finds skips the parse and walk.
const codexRaw = readFileSync(join(root, 'bench/fixtures/codex-request.json'));
const plainRaw = Buffer.from(
  JSON.stringify({
    model: 'gpt-5.5',
    input: [{ role: 'user', content: 'Write a haiku about autumn leaves falling on a quiet street, then explain its meter. '.repeat(24) }],
  }),
);
await measure('raw pre-check, Codex request (38 KB: stops at its first anchor)', 400, () => rawBodyMayHaveFindings(codexRaw, categories));
await measure(`raw pre-check, plain chat request (${(plainRaw.length / 1024).toFixed(0)} KB, nothing to find)`, 400, () =>
  rawBodyMayHaveFindings(plainRaw, categories),
);
await measure('same request parsed, walked and scanned (what the pre-check saves)', 400, async () => {
  const texts: RequestText[] = [];
  responsesSurface.mapRequestText(JSON.parse(plainRaw.toString('utf8')) as Record<string, unknown>, (text, location, source, json) => {
    texts.push({ text, location, source, json });
    return text;
  });
  return scanTexts(texts, { categories, maxScanChars: 1 << 24, cache: false });
});
