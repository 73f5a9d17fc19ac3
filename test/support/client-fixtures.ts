/** The captured client requests (one copy each) under test/fixtures/clients/<client>/<scenario>/<file>. */
import { readFileSync, readdirSync } from 'node:fs';

export type FixtureClient = 'codex' | 'claude-code' | 'gemini-cli';

const root = new URL('../fixtures/clients/', import.meta.url);

/** The URL of one capture; gemini-cli captures have no scenario folder (pass the file alone). */
export function clientFixtureUrl(client: FixtureClient, ...path: string[]): URL {
  return new URL(`${client}/${path.join('/')}`, root);
}

export function clientFixtureText(client: FixtureClient, ...path: string[]): string {
  return readFileSync(clientFixtureUrl(client, ...path), 'utf8');
}

/** The parsed JSON of one capture: `clientFixture('codex', 'toolsearch', '001-POST_v1_responses.json')`. */
export function clientFixture<T = any>(client: FixtureClient, ...path: string[]): T {
  return JSON.parse(clientFixtureText(client, ...path)) as T;
}

/** Every capture of a client, as sorted paths relative to the client folder (`<scenario>/<file>`). */
export function clientFixturePaths(client: FixtureClient): string[] {
  return (readdirSync(clientFixtureUrl(client), { recursive: true }) as string[])
    .map(String)
    .filter((entry) => entry.endsWith('.json'))
    .map((entry) => entry.split('\\').join('/'))
    .sort();
}

/** `codex/<scenario>/<file>` style names → [client, rest], or undefined for other fixtures. */
export function asClientFixtureName(name: string): [FixtureClient, string] | undefined {
  const match = /^(codex|claude-code|gemini-cli)\/(.+)$/.exec(name);
  return match ? [match[1] as FixtureClient, match[2]!] : undefined;
}
