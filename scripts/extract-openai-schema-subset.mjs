#!/usr/bin/env node
// Regenerates test/fixtures/openai-openapi/responses-subset.json: the `components.schemas` of
// OpenAI's published OpenAPI description that the schema-oracle tests validate against (the
// Responses stream events, `Response`, the Chat Completions bodies and chunks, `ErrorResponse`)
// plus everything they $ref transitively. The tests read only the committed subset, never the
// source, so a fresh clone needs nothing outside the repository.
//
//   node scripts/extract-openai-schema-subset.mjs <openapi.json.gz> <source commit>
//   (defaults: ../shared/fixtures/openai-openapi/openapi.json.gz and the commit in SOURCES.md beside it)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const ROOTS = ['ResponseStreamEvent', 'Response', 'CreateChatCompletionResponse', 'CreateChatCompletionStreamResponse', 'ErrorResponse', 'CompactResource'];
const here = dirname(fileURLToPath(import.meta.url));
const source = resolve(process.argv[2] ?? join(here, '../../shared/fixtures/openai-openapi/openapi.json.gz'));
const commit = process.argv[3] ?? /commit\s+([0-9a-f]{40})/.exec(readFileSync(join(dirname(source), 'SOURCES.md'), 'utf8'))?.[1];
if (!commit) throw new Error('Pass the source commit as the second argument.');

const spec = JSON.parse(gunzipSync(readFileSync(source)).toString('utf8'));
const all = spec.components.schemas;
const picked = {};
const pending = [...ROOTS];
while (pending.length > 0) {
  const name = pending.pop();
  if (name in picked) continue;
  if (!(name in all)) throw new Error(`#/components/schemas/${name} is not in the source.`);
  picked[name] = all[name];
  collectRefs(all[name], pending);
}

const sorted = Object.fromEntries(
  Object.keys(picked)
    .sort()
    .map((name) => [name, picked[name]]),
);
const out = {
  source: { repository: 'openai/openai-openapi', path: 'openapi.json', commit, openapi: spec.openapi, version: spec.info?.version },
  roots: ROOTS,
  schemas: sorted,
};
const target = join(here, '../test/fixtures/openai-openapi/responses-subset.json');
writeFileSync(target, `${JSON.stringify(out)}\n`);
console.log(`${Object.keys(sorted).length} schemas from ${commit} -> ${target}`);

function collectRefs(node, into) {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, into);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const match = /^#\/components\/schemas\/(.+)$/.exec(value);
        if (!match) throw new Error(`Unexpected $ref ${value}`);
        into.push(match[1]);
      } else if (key !== 'x-oaiMeta') {
        collectRefs(value, into);
      }
    }
  }
}
